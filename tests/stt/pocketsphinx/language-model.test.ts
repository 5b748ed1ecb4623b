import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { interpolateModels } from '../../../src/stt/pocketsphinx/biased-language-model.js';
import { domainCorpus, wittenBellModel } from '../../../src/stt/pocketsphinx/domain-language-model.js';
import { ipaToPhones } from '../../../src/stt/pocketsphinx/generated-pronunciations.js';
import { conditionalProbability, parseArpa, vocabularyOf, writeArpa, type NgramModel } from '../../../src/stt/pocketsphinx/ngram-model.js';
import { loadPronunciationDictionary, writeDictionary } from '../../../src/stt/pocketsphinx/pronunciation-dictionary.js';
import { readTrieLanguageModel } from '../../../src/stt/pocketsphinx/trie-language-model.js';
import { defaultPocketsphinxPaths } from '../../../src/stt/pocketsphinx/pocketsphinx-engine.js';
import { temporaryFolder } from '../../helpers/temporary-folder.js';

const corpus = [
  'Meera designs footbridges in Chennai.',
  'The footbridge over the creek needs better drainage.',
  'Tell me about the footbridge.',
  'Tell me about the drainage.',
  'What do you think about the creek?',
];

/** Σ over the vocabulary of P(w | history): 1 for a normalised model. */
function totalMass(model: NgramModel, history: string[]): number {
  return vocabularyOf(model)
    .filter((word) => word !== '<s>')
    .reduce((sum, word) => sum + conditionalProbability(model, history, word), 0);
}

test('the Witten–Bell model of a small corpus has the right counts and every context sums to one', () => {
  const { sentences } = domainCorpus(corpus);
  assert.equal(sentences.length, 5);
  const vocabulary = new Set(sentences.flat());
  const model = wittenBellModel(sentences, vocabulary);
  // Unigrams: every distinct word plus <s> and </s>.
  assert.equal(model.levels[0]!.size, vocabulary.size + 2);
  assert.ok(model.levels[1]!.has('tell me'));
  assert.ok(model.levels[2]!.has('tell me about'));
  assert.ok(!model.levels[2]!.has('me about footbridge'), 'no unseen trigram is explicit');
  for (const history of [[], ['<s>'], ['the'], ['me', 'about'], ['the', 'creek'], ['unseen', 'words']]) {
    assert.ok(Math.abs(totalMass(model, history) - 1) < 1e-9, `P(·|${history.join(' ')}) sums to ${totalMass(model, history)}`);
  }
  // Seen continuations beat unseen ones.
  assert.ok(conditionalProbability(model, ['me', 'about'], 'the') > conditionalProbability(model, ['me', 'about'], 'creek'));
});

test('ARPA text round-trips and the interpolated model stays normalised', () => {
  const { sentences } = domainCorpus(corpus);
  const domain = wittenBellModel(sentences, new Set(sentences.flat()));
  const general = wittenBellModel(domainCorpus(['the cat sat on the mat.', 'tell me a story.', 'what do you think?']).sentences, new Set(['the', 'cat', 'sat', 'on', 'mat', 'tell', 'me', 'a', 'story', 'what', 'do', 'you', 'think']));
  const mixed = interpolateModels(general, domain, 0.5);
  for (const history of [[], ['<s>'], ['tell', 'me'], ['the'], ['cat', 'sat']]) {
    assert.ok(Math.abs(totalMass(mixed, history) - 1) < 1e-6, `P(·|${history.join(' ')}) sums to ${totalMass(mixed, history)}`);
  }
  // Each side's words are heard: a domain word and a general-only word both have mass.
  assert.ok(conditionalProbability(mixed, [], 'footbridge') > 0);
  assert.ok(conditionalProbability(mixed, [], 'cat') > 0);
  const text = writeArpa(mixed);
  assert.match(text, /^\\data\\\nngram 1=\d+\nngram 2=\d+\nngram 3=\d+\n/);
  const parsed = parseArpa(text, 'mixed.arpa');
  for (let level = 0; level < 3; level++) assert.equal(parsed.levels[level]!.size, mixed.levels[level]!.size);
  const probability = conditionalProbability(parsed, ['tell', 'me'], 'about');
  assert.ok(Math.abs(probability - conditionalProbability(mixed, ['tell', 'me'], 'about')) < 1e-5);
  assert.throws(() => parseArpa('ngram 1=2\n', 'broken.arpa'), /broken\.arpa: not an ARPA language model/);
});

test('pocketsphinx loads the written model and dictionary', async (context) => {
  const folder = temporaryFolder(context);
  const { sentences } = domainCorpus(corpus);
  const dictionary = await loadPronunciationDictionary(defaultPocketsphinxPaths.dictionary);
  const vocabulary = new Set(sentences.flat().filter((word) => dictionary.has(word) || word === 'meera'));
  const model = wittenBellModel(sentences, vocabulary);
  const lmFile = path.join(folder, 'small.arpa');
  const dictFile = path.join(folder, 'small.dict');
  writeFileSync(lmFile, writeArpa(model));
  writeFileSync(dictFile, writeDictionary(vocabulary, dictionary, new Map([['meera', 'M IH R AH']])));
  const stderr = await new Promise<string>((resolve, reject) => {
    execFile(defaultPocketsphinxPaths.binary, ['-infile', '/dev/null', '-lm', lmFile, '-dict', dictFile], (error, _stdout, err) => (error ? reject(new Error(`${error.message}\n${err}`)) : resolve(err)));
  });
  assert.match(stderr, /LM of order 3/);
  assert.match(stderr, new RegExp(`#1-grams: ${model.levels[0]!.size}`));
  assert.doesNotMatch(stderr, /ERROR/);
});

test('the general trie model reads with normalised unigrams and bigram contexts', async () => {
  const model = await readTrieLanguageModel(defaultPocketsphinxPaths.languageModel);
  assert.equal(model.order, 3);
  assert.equal(model.words.length, 72547);
  // The header declares 2051547 bigrams; the trie holds six fewer.
  assert.equal(model.ngrams[0]!.count, 2051541);
  let unigramMass = 0;
  for (const probability of model.unigramProbabilities) unigramMass += 10 ** probability;
  assert.ok(Math.abs(unigramMass - 1) < 1e-3, `unigram mass ${unigramMass}`);
  const the = model.words.indexOf('the');
  let explicitMass = 0;
  const bigrams = model.ngrams[0]!;
  for (let index = 0; index < bigrams.count; index++) if (bigrams.words[index * 2] === the) explicitMass += 10 ** bigrams.probabilities[index]!;
  // Explicit continuations of "the" hold most, but not more than all, of its mass.
  assert.ok(explicitMass > 0.9 && explicitMass <= 1.0001, `explicit mass after "the": ${explicitMass}`);
});

test('IPA from espeak-ng maps to CMU phones', () => {
  assert.equal(ipaToPhones('mˈɪɹə'), 'M IH R AH');
  assert.equal(ipaToPhones('kˈævɚɹi'), 'K AE V ER IY');
  assert.equal(ipaToPhones('tʃˈɛnaɪ'), 'CH EH N AY');
  assert.equal(ipaToPhones('ʘ'), undefined);
});
