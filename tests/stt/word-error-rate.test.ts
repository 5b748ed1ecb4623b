import assert from 'node:assert/strict';
import { test } from 'node:test';
import { alignWords, corpusWordErrorRate, normalizeForScoring, wordErrorRate } from '../../src/stt/word-error-rate.js';

test('identical text scores zero after normalisation of case, punctuation and <s> markers', () => {
  const result = wordErrorRate('<s> He was not an ill-disposed young man. </s>', 'he was not an ill disposed young man');
  assert.deepEqual(result, { wer: 0, substitutions: 0, deletions: 0, insertions: 0, referenceWords: 8 });
});

test('substitutions, deletions and insertions are counted separately', () => {
  // b→x (S), d dropped (D), h added (I): the only alignment with 3 edits.
  const result = wordErrorRate('a b c d e f g', 'a x c e f g h');
  assert.equal(result.substitutions, 1);
  assert.equal(result.deletions, 1);
  assert.equal(result.insertions, 1);
  assert.equal(result.referenceWords, 7);
  assert.equal(result.wer, 3 / 7);
});

test('an empty hypothesis deletes every word; an empty reference counts insertions', () => {
  assert.deepEqual(wordErrorRate('one two three', ''), { wer: 1, substitutions: 0, deletions: 3, insertions: 0, referenceWords: 3 });
  const onlyInsertions = wordErrorRate('', 'hello there');
  assert.equal(onlyInsertions.insertions, 2);
  assert.equal(onlyInsertions.wer, 2);
  assert.equal(wordErrorRate('', '').wer, 0);
});

test('rates above one are possible when the hypothesis is much longer', () => {
  assert.equal(wordErrorRate('yes', 'no no no').wer, 3);
});

test('digits and spoken abbreviations normalise to the words a recogniser prints', () => {
  assert.deepEqual(normalizeForScoring('Mr. Dashwood met Dr Jones in 1984, at 7pm'), ['mister', 'dashwood', 'met', 'doctor', 'jones', 'in', 'nineteen', 'eighty', 'four', 'at', 'seven', 'pm']);
  assert.equal(wordErrorRate('mister john dashwood', 'Mr John Dashwood').wer, 0);
  assert.deepEqual(normalizeForScoring("Meera's 2,500 bridges in 2005"), ["meera's", 'two', 'thousand', 'five', 'hundred', 'bridges', 'in', 'two', 'thousand', 'five']);
});

test('the alignment is minimal: a shifted sentence is one deletion and one insertion, not all substitutions', () => {
  const result = alignWords(['a', 'b', 'c', 'd'], ['b', 'c', 'd', 'e']);
  assert.equal(result.substitutions + result.deletions + result.insertions, 2);
});

test('the corpus rate pools errors over all reference words', () => {
  const short = wordErrorRate('one', 'two'); // 1 error / 1 word
  const long = wordErrorRate('a b c d e f g h i j', 'a b c d e f g h i j'); // 0 / 10
  const corpus = corpusWordErrorRate([short, long]);
  assert.equal(corpus.referenceWords, 11);
  assert.equal(corpus.substitutions, 1);
  assert.equal(corpus.wer, 1 / 11);
  assert.equal(corpusWordErrorRate([]).wer, 0);
});
