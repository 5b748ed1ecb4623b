import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createUseLiteEmbedder, type UseLiteEmbedder } from '../../../src/rag/use-lite/use-lite-embedder.js';

let embedder: UseLiteEmbedder;
before(async () => {
  embedder = await createUseLiteEmbedder({ threads: 2, batchSize: 2 });
});
after(() => embedder.close());

/** 100–170-word texts: ~25 a second per worker, so 200 of them take seconds. */
const longTexts = Array.from({ length: 200 }, (_, index) =>
  `Text ${index}: ${'We sized the scuppers for a hundred millimetres an hour, a little above the design storm. '.repeat(6 + (index % 5))}`,
);

test('an already aborted signal rejects before any work, with its reason', async () => {
  const controller = new AbortController();
  const reason = new Error('barge-in');
  controller.abort(reason);
  const started = performance.now();
  await assert.rejects(embedder.embed(longTexts, { signal: controller.signal }), (error: unknown) => error === reason);
  assert.ok(performance.now() - started < 20);
});

test('aborting mid-call stops between batches and rejects at once', async () => {
  const controller = new AbortController();
  const started = performance.now();
  const embedding = embedder.embed(longTexts, { signal: controller.signal });
  setTimeout(() => controller.abort(), 150);
  await assert.rejects(embedding, { name: 'AbortError' });
  const elapsed = performance.now() - started;
  // All 200 take ~4 s on 2 cores; the abort lands within a batch (~100 ms) or sooner.
  assert.ok(elapsed < 1000, `rejected after ${elapsed.toFixed(0)} ms`);
});

test('a timeout signal works the same, and the embedder keeps working afterwards', async () => {
  await assert.rejects(embedder.embed(longTexts, { signal: AbortSignal.timeout(100) }), { name: 'TimeoutError' });
  const texts = ['after an abort', longTexts[3]!, 'still in order'];
  const vectors = await embedder.embed(texts);
  for (const [index, text] of texts.entries()) {
    const [alone] = await embedder.embed([text]);
    assert.ok(alone!.every((value, dimension) => Math.abs(value - vectors[index]![dimension]!) < 1e-5), `text ${index}`);
  }
});
