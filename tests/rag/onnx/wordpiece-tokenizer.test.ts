import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { ConfigError } from '../../../src/errors.js';
import { normalizeBertText, splitBertWords, uncasedBertNormalizer } from '../../../src/rag/onnx/bert-basic-tokenizer.js';
import { loadWordPieceSettings } from '../../../src/rag/onnx/load-wordpiece-settings.js';
import { createWordPieceTokenizer, type WordPieceTokenizer } from '../../../src/rag/onnx/wordpiece-tokenizer.js';
import { temporaryFolder } from '../../helpers/temporary-folder.js';
import { tinyTokenizerJson, tinyVocabulary, writeTinyBertFolder } from './make-tiny-bert.js';

const folder = writeTinyBertFolder(mkdtempSync(path.join(os.tmpdir(), 'persona-wordpiece-')), { tokenizer: 'both' });
after(() => rmSync(folder, { recursive: true, force: true }));

function tokenizer(maxTokens = 512, source: 'tokenizer.json' | 'vocab.txt' = 'tokenizer.json'): WordPieceTokenizer {
  const sourceFolder = source === 'tokenizer.json' ? folder : writeTinyBertFolder(path.join(folder, 'vocabulary-only'), { tokenizer: 'vocab.txt' });
  return createWordPieceTokenizer(loadWordPieceSettings(sourceFolder, 'tiny').settings, { maxTokens });
}

const idOf = (token: string): number => tinyVocabulary.indexOf(token);

test('"unaffable" splits greedily, longest match first, into un ##aff ##able', () => {
  assert.deepEqual(tokenizer().tokenize('unaffable'), ['un', '##aff', '##able']);
});

test('punctuation and ASCII symbols become words of their own; whitespace is dropped', () => {
  assert.deepEqual(tokenizer().tokenize("Hello, world! the dog's\tquick?"), ['hello', ',', 'world', '!', 'the', 'dog', "'", 's', 'quick', '?']);
  assert.deepEqual(tokenizer().tokenize('the$dog search_document: fox'), ['the', '$', 'dog', 'search', '_', 'document', ':', 'fox']);
  assert.deepEqual(splitBertWords('a+b ¿c—d'), ['a', '+', 'b', '¿', 'c', '—', 'd']);
});

test('lowercasing strips accents (NFD, non-spacing marks dropped)', () => {
  assert.deepEqual(tokenizer().tokenize('Café NAÏVE Résumé'), ['cafe', 'naive', 'resume']);
  // Composed and decomposed forms give the same pieces.
  assert.deepEqual(tokenizer().tokenize('cafe\u0301'), ['cafe']);
});

test('Chinese ideographs are split into one word each, even inside other text', () => {
  assert.deepEqual(tokenizer().tokenize('the中文dog'), ['the', '中', '文', 'dog']);
});

test('control characters are removed and every kind of whitespace separates words', () => {
  assert.equal(normalizeBertText('a\u0000b\u0007c\ufffd\u00ad', uncasedBertNormalizer), 'abc');
  assert.deepEqual(tokenizer().tokenize('the\u3000quick\u00a0brown\r\nfox'), ['the', 'quick', 'brown', 'fox']);
});

test('a word with a piece outside the vocabulary is one [UNK], as is a word over 100 characters', () => {
  assert.deepEqual(tokenizer().tokenize('zebra the abx'), ['[UNK]', 'the', '[UNK]']);
  assert.deepEqual(tokenizer().tokenize(`a${'b'.repeat(99)}`), ['a', ...new Array<string>(99).fill('##b')]);
  assert.deepEqual(tokenizer().tokenize(`a${'b'.repeat(100)}`), ['[UNK]']);
});

test('a cased tokenizer.json keeps case and accents', (context) => {
  const cased = temporaryFolder(context, 'persona-cased-');
  writeFileSync(path.join(cased, 'tokenizer.json'), tinyTokenizerJson({ lowercase: false }));
  const casedTokenizer = createWordPieceTokenizer(loadWordPieceSettings(cased, 'tiny').settings, { maxTokens: 16 });
  assert.deepEqual(casedTokenizer.tokenize('Hello hello café'), ['[UNK]', 'hello', '[UNK]']);
});

test('encode wraps the ids in [CLS] … [SEP]; truncation keeps [SEP] at maxTokens', () => {
  const ids = ['the', 'quick', 'brown', 'fox', 'jumps'].map(idOf);
  assert.deepEqual(tokenizer().encode('the quick brown fox jumps'), [idOf('[CLS]'), ...ids, idOf('[SEP]')]);
  assert.deepEqual(tokenizer(5).encode('the quick brown fox jumps'), [idOf('[CLS]'), ...ids.slice(0, 3), idOf('[SEP]')]);
  assert.deepEqual(tokenizer(2).encode('the quick'), [idOf('[CLS]'), idOf('[SEP]')]);
  assert.throws(() => tokenizer(1), ConfigError);
});

test('vocab.txt and tokenizer.json give the same ids', () => {
  const text = 'Unaffable, the quick brown fox! 中文 café';
  assert.deepEqual(tokenizer(512, 'vocab.txt').encode(text), tokenizer().encode(text));
});

test('a batch is padded to its longest text with [PAD] and attention mask 0, as int64', () => {
  const batch = tokenizer().encodeBatch(['the dog', 'hello']);
  assert.equal(batch.batchSize, 2);
  assert.equal(batch.sequenceLength, 4);
  assert.ok(batch.inputIds instanceof BigInt64Array);
  const [classifier, separator, padding] = [idOf('[CLS]'), idOf('[SEP]'), idOf('[PAD]')].map(BigInt);
  assert.deepEqual(Array.from(batch.inputIds), [classifier, BigInt(idOf('the')), BigInt(idOf('dog')), separator, classifier, BigInt(idOf('hello')), separator, padding]);
  assert.deepEqual(Array.from(batch.attentionMask), [1n, 1n, 1n, 1n, 1n, 1n, 1n, 0n]);
  assert.deepEqual(Array.from(batch.tokenTypeIds), new Array<bigint>(8).fill(0n));
});

test('tokenizer.json settings: truncation length and post-processor special tokens are read', (context) => {
  const custom = temporaryFolder(context, 'persona-truncation-');
  writeFileSync(path.join(custom, 'tokenizer.json'), tinyTokenizerJson({ truncation: 128 }));
  const loaded = loadWordPieceSettings(custom, 'tiny');
  assert.equal(loaded.truncationLength, 128);
  assert.equal(loaded.settings.classifierToken, '[CLS]');
  assert.equal(loaded.settings.continuingSubwordPrefix, '##');
});
