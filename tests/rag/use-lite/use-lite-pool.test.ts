import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UseLiteError } from '../../../src/rag/use-lite/use-lite-error.js';
import { startUseLitePool } from '../../../src/rag/use-lite/use-lite-pool.js';

const options = { maxTokens: 128 };
const longText = 'The scuppers discharge clear of the girders through drip tubes along the seaward kerb. '.repeat(6);

test('a model that cannot load is an input-unreadable error naming the package and the reason', async () => {
  await assert.rejects(startUseLitePool(2, { workerModule: new URL('./failing-worker.ts', import.meta.url) }), (error: unknown) => {
    assert.ok(error instanceof UseLiteError, String(error));
    assert.equal(error.code, 'input-unreadable');
    assert.equal(error.retryable, false);
    assert.match(error.message, /@energetic-ai\/model-embeddings-en/);
    assert.match(error.message, /group1-shard3of7 is truncated/);
    return true;
  });
});

test('a crashed worker fails its batch as retryable, and a fresh worker takes over', async () => {
  const pool = await startUseLitePool(1, { workerModule: new URL('./crashing-worker.ts', import.meta.url) });
  try {
    const [before] = await pool.run(['hello'], options);
    await assert.rejects(pool.run(['crash now'], options), (error: unknown) => {
      assert.ok(error instanceof UseLiteError, String(error));
      assert.equal(error.code, 'service-unavailable');
      assert.equal(error.retryable, true);
      assert.match(error.message, /exit code 3/);
      return true;
    });
    // Sent while the replacement loads: it waits in the queue.
    const [after] = await pool.run(['hello'], options);
    assert.deepEqual(after, before);
    assert.equal(pool.size, 1);
  } finally {
    await pool.close();
  }
});

test('a queued query goes before queued documents', async () => {
  const pool = await startUseLitePool(1);
  try {
    const finished: string[] = [];
    const track = (label: string, texts: string[], purpose: 'query' | 'document') =>
      pool.run(texts, { ...options, purpose }).then(() => void finished.push(label));
    const documents = Array.from({ length: 8 }, () => longText);
    await Promise.all([
      track('document 1', documents, 'document'),
      track('document 2', documents, 'document'),
      track('document 3', documents, 'document'),
      track('query', ['Where do the scuppers drain?'], 'query'),
    ]);
    // Document 1 was already running when the query arrived.
    assert.deepEqual(finished, ['document 1', 'query', 'document 2', 'document 3']);
  } finally {
    await pool.close();
  }
});

test('an aborted queued batch leaves the queue at once; the others still finish', async () => {
  const pool = await startUseLitePool(1);
  try {
    const documents = Array.from({ length: 16 }, () => longText);
    const running = pool.run(documents, options);
    const controller = new AbortController();
    const queued = pool.run(documents, { ...options, signal: controller.signal });
    const next = pool.run(['after the aborted one'], options);
    const started = performance.now();
    controller.abort();
    await assert.rejects(queued, { name: 'AbortError' });
    assert.ok(performance.now() - started < 50);
    assert.equal((await running).length, 16);
    assert.equal((await next).length, 1);
  } finally {
    await pool.close();
  }
});

test('close lets running batches finish and rejects queued ones', async () => {
  const pool = await startUseLitePool(1);
  const running = pool.run(Array.from({ length: 8 }, () => longText), options);
  const queued = pool.run(['never embedded'], options);
  queued.catch(() => undefined);
  await pool.close();
  assert.equal((await running).length, 8);
  await assert.rejects(queued, /closed/);
  await assert.rejects(pool.run(['late'], options), /closed/);
});
