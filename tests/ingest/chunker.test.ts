import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chunkText, estimateTokens } from '../../src/ingest/chunker.js';

test('short text is one chunk', () => {
  assert.deepEqual(chunkText('  Keep the handrail simple.  ', { targetTokens: 500, overlapTokens: 60 }), [
    { text: 'Keep the handrail simple.', tokenCount: estimateTokens('Keep the handrail simple.') },
  ]);
  assert.deepEqual(chunkText(' \n ', { targetTokens: 500, overlapTokens: 60 }), []);
});

test('chunks end at sentence ends, stay within the budget, and overlap by whole sentences', () => {
  const sentences = Array.from({ length: 80 }, (_, index) => `Dr. Rao checked span ${index} against the 1.4 Hz mode, e.g. for crowds.`);
  const chunks = chunkText(sentences.join(' '), { targetTokens: 120, overlapTokens: 30 });
  assert.ok(chunks.length > 5);
  for (const chunk of chunks) {
    assert.ok(chunk.tokenCount <= 120, `${chunk.tokenCount} tokens`);
    assert.match(chunk.text, /^Dr\. Rao checked span \d+/, 'abbreviations do not end sentences');
    assert.match(chunk.text, /for crowds\.$/);
  }
  for (let index = 1; index < chunks.length; index += 1) {
    const previousLast = chunks[index - 1]!.text.split(/(?<=crowds\.) /).at(-1)!;
    assert.ok(chunks[index]!.text.startsWith(previousLast) || chunks[index]!.text.includes(previousLast));
  }
  const covered = new Set(chunks.flatMap((chunk) => [...chunk.text.matchAll(/span (\d+)/g)].map((match) => Number(match[1]))));
  assert.equal(covered.size, 80, 'no sentence is lost');
});

test('a sentence longer than a chunk is cut between words, never inside one', () => {
  const words = Array.from({ length: 400 }, (_, index) => `word${index}`);
  const chunks = chunkText(words.join(' '), { targetTokens: 50, overlapTokens: 0 });
  assert.ok(chunks.length > 1);
  assert.deepEqual(chunks.flatMap((chunk) => chunk.text.split(/\s+/)), words);
});

test('Tamil and code-mixed text passes through intact and counts as more tokens per character', () => {
  const text = 'நாளைக்கு site visit இருக்கு, please confirm. '.repeat(40).trim();
  const chunks = chunkText(text, { targetTokens: 100, overlapTokens: 0 });
  assert.equal(chunks.map((chunk) => chunk.text).join(' '), text);
  assert.ok(estimateTokens('நாளைக்கு') > estimateTokens('tomorrow'));
});
