/**
 * openVectorStore: an embedded server that lives and dies with the store, or an external
 * server (CHROMA_URL) that it only talks to.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startChromaServer } from '../../../src/rag/chroma/chroma-server.js';
import { HEARTBEAT_ROUTE } from '../../../src/rag/chroma/heartbeat.js';
import { findFreePort } from '../../../src/rag/chroma/free-port.js';
import { openVectorStore } from '../../../src/rag/chroma/open-vector-store.js';
import { VectorStoreError } from '../../../src/rag/chroma/vector-store-error.js';
import { temporaryFolder } from '../../helpers/temporary-folder.js';
import { isProcessAlive } from './process-alive.js';

test('without a URL it starts an embedded server on the data folder and stops it on close', async (context) => {
  const dataFolder = temporaryFolder(context, 'persona-chroma-');
  const store = await openVectorStore({ dataFolder });
  const pid = store.server?.pid;
  assert.ok(pid !== undefined && isProcessAlive(pid));
  assert.equal(store.url, store.server?.url);
  const collection = await store.collection('embedded-one', 3);
  await collection.upsert([{ id: 'a', vector: Float32Array.of(0, 0, 1), metadata: { kind: 'note' } }]);
  assert.equal(await collection.count(), 1);
  await store.close();
  await store.close();
  assert.equal(isProcessAlive(pid), false);
  await assert.rejects(collection.count(), (error: unknown) => error instanceof VectorStoreError && error.kind === 'closed');

  // The data stays in the folder for the next start.
  await using reopened = await openVectorStore({ dataFolder });
  assert.equal(await (await reopened.collection('embedded-one', 3)).count(), 1);
});

test('with a URL it uses that server, starts none, and leaves it running on close', async (context) => {
  await using external = await startChromaServer({ dataFolder: temporaryFolder(context, 'persona-chroma-') });
  const unusedFolder = temporaryFolder(context, 'persona-chroma-');
  const store = await openVectorStore({ chromaUrl: external.url, dataFolder: unusedFolder });
  assert.equal(store.server, undefined);
  assert.equal(store.url, external.url);
  const collection = await store.collection('external-one', 2);
  await collection.upsert([{ id: 'b', vector: Float32Array.of(1, 1), metadata: {} }]);
  await store.close();
  assert.equal((await fetch(external.url + HEARTBEAT_ROUTE)).status, 200);
  assert.equal(external.restarts, 0);
});

test('a URL where no Chroma answers is a clear error naming the URL', async () => {
  const url = `http://127.0.0.1:${await findFreePort()}`;
  await assert.rejects(
    openVectorStore({ chromaUrl: url, dataFolder: '/nonexistent' }),
    (error: unknown) => error instanceof VectorStoreError && error.kind === 'unavailable' && error.message.includes(`${url} (CHROMA_URL) does not answer`),
  );
});
