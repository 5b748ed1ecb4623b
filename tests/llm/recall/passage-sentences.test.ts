/** Sentence splitting and trimming of recalled passages: pieces rejoin exactly; cuts fall between sentences. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { splitSentences, trimPassage } from '../../../src/llm/recall/passage-sentences.js';

test('sentences keep their whitespace, so the pieces rejoin into the exact text', () => {
  const text = 'Filter coffee made the slow way, every morning. Decoction\nfirst, milk boiled separately! Amma says "too strong." Amma is wrong';
  const sentences = splitSentences(text);
  assert.deepEqual(sentences, [
    'Filter coffee made the slow way, every morning. ',
    'Decoction\nfirst, milk boiled separately! ',
    'Amma says "too strong." ',
    'Amma is wrong',
  ]);
  assert.equal(sentences.join(''), text);
});

test('abbreviations, initials and numbers do not end a sentence; a blank line does', () => {
  assert.deepEqual(splitSentences('My teacher, Mrs. Raghavan, met J. R. Rao at 5.15 pm. Then\n\nA new paragraph'), [
    'My teacher, Mrs. Raghavan, met J. R. Rao at 5.15 pm. ',
    'Then\n\n',
    'A new paragraph',
  ]);
});

test('a long passage is cut at the last sentence that fits; one starting mid-sentence starts at the next', () => {
  const text = 'One two three. Four five six. Seven eight nine.';
  assert.equal(trimPassage(text, 100), text);
  assert.equal(trimPassage(text, 30), 'One two three. Four five six.');
  assert.equal(trimPassage('the end of a sentence. A whole one. Another.', 100), 'A whole one. Another.');
  // A first sentence longer than the limit is cut at a word, and says so.
  assert.equal(trimPassage('A very long first sentence without any end in sight at all', 30), 'A very long first sentence…');
});
