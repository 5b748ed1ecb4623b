/**
 * The vector store contract on a real embedded Chroma server: nearest neighbours with
 * cosine scores, metadata filters, delete, existingIds, count, batching, and refusing
 * vectors of another dimension.
 */
import { ChromaClient } from 'chromadb';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startChromaServer, type ChromaServer } from '../../../src/rag/chroma/chroma-server.js';
import { createChromaVectorStore } from '../../../src/rag/chroma/chroma-vector-store.js';
import { VectorStoreError } from '../../../src/rag/chroma/vector-store-error.js';
import type { VectorCollection, VectorRecord, VectorStore } from '../../../src/rag/vector-store.js';
import { makeTemporaryFolder } from '../../helpers/temporary-folder-per-file.js';
import { cosineSimilarity, randomVectors } from './seeded-vectors.js';

const KINDS = ['email', 'chat', 'document', 'interview'] as const;

// Registered before the folder's cleanup, so the server stops before its folder goes.
after(async () => {
  await store.close();
  await server.close();
});

// Made at the top level: its cleanup then runs when the file ends, not when `before` does.
const dataFolder = makeTemporaryFolder('chroma-store');
let server: ChromaServer;
let store: VectorStore;
let collection: VectorCollection;
const vectors = randomVectors(200, 16, 42);
const records: VectorRecord[] = vectors.map((vector, index) => ({
  id: `chunk-${index}`,
  vector,
  metadata: { kind: KINDS[index % 4] ?? 'email', sentAt: 1_700_000_000 + index * 1000, fromPersona: index % 3 === 0 },
}));

before(async () => {
  server = await startChromaServer({ dataFolder });
  store = createChromaVectorStore({ url: server.url });
  collection = await store.collection('contract-200x16', 16);
  await collection.upsert(records);
});

function bruteForce(query: Float32Array, keep: (record: VectorRecord) => boolean = () => true): { id: string; score: number }[] {
  return records
    .filter(keep)
    .map((record) => ({ id: record.id, score: cosineSimilarity(query, record.vector) }))
    .sort((a, b) => b.score - a.score);
}

test('upserted records are counted, and upserting them again changes nothing', async () => {
  assert.equal(await collection.count(), 200);
  await collection.upsert(records.slice(0, 10));
  assert.equal(await collection.count(), 200);
});

test('query returns the nearest ids, most similar first, with cosine similarity as score', async () => {
  const query = randomVectors(1, 16, 99)[0] ?? new Float32Array(16);
  const matches = await collection.query(query, { k: 5 });
  const expected = bruteForce(query).slice(0, 5);
  assert.deepEqual(matches.map((match) => match.id), expected.map((match) => match.id));
  for (const [index, match] of matches.entries()) {
    assert.ok(Math.abs(match.score - (expected[index]?.score ?? 0)) < 1e-4, `score ${match.score} vs ${expected[index]?.score}`);
    if (index > 0) assert.ok(match.score <= (matches[index - 1]?.score ?? 1));
  }
  const self = await collection.query(vectors[17] ?? new Float32Array(16), { k: 1 });
  assert.equal(self[0]?.id, 'chunk-17');
  assert.ok(Math.abs((self[0]?.score ?? 0) - 1) < 1e-5);
  assert.deepEqual(self[0]?.metadata, records[17]?.metadata);
});

test('filters: equality, boolean, numeric range and in-lists', async () => {
  const query = randomVectors(1, 16, 5)[0] ?? new Float32Array(16);
  const email = await collection.query(query, { k: 10, filter: { kind: 'email' } });
  assert.equal(email.length, 10);
  assert.ok(email.every((match) => match.metadata['kind'] === 'email'));
  assert.deepEqual(email.map((match) => match.id), bruteForce(query, (record) => record.metadata['kind'] === 'email').slice(0, 10).map((match) => match.id));

  const own = await collection.query(query, { k: 200, filter: { fromPersona: true } });
  assert.equal(own.length, 67);

  const from = 1_700_000_000 + 50 * 1000;
  const to = 1_700_000_000 + 59 * 1000;
  const range = await collection.query(query, { k: 50, filter: { sentAt: { gte: from, lte: to } } });
  assert.deepEqual(range.map((match) => match.id).sort(), Array.from({ length: 10 }, (_, index) => `chunk-${50 + index}`).sort());
  const since = await collection.query(query, { k: 200, filter: { sentAt: { gte: 1_700_000_000 + 190 * 1000 } } });
  assert.equal(since.length, 10);

  const chats = await collection.query(query, { k: 200, filter: { kind: { in: ['chat', 'interview'] }, sentAt: { lte: to } } });
  assert.equal(chats.length, 30);
  assert.ok(chats.every((match) => ['chat', 'interview'].includes(String(match.metadata['kind']))));
  assert.deepEqual(await collection.query(query, { k: 5, filter: { kind: { in: [] } } }), []);
  assert.deepEqual(await collection.query(query, { k: 5, filter: { kind: 'voicemail' } }), []);
});

test('delete removes records; existingIds tells which ids are stored', async () => {
  const scratch = await store.collection('contract-delete', 16);
  await scratch.upsert(records.slice(0, 20));
  await scratch.delete(['chunk-3', 'chunk-4', 'chunk-404']);
  assert.equal(await scratch.count(), 18);
  assert.deepEqual([...(await scratch.existingIds(['chunk-2', 'chunk-3', 'chunk-19', 'chunk-20']))].sort(), ['chunk-19', 'chunk-2']);
  assert.deepEqual(await scratch.existingIds([]), new Set());
  const matches = await scratch.query(vectors[3] ?? new Float32Array(16), { k: 18 });
  assert.ok(!matches.some((match) => match.id === 'chunk-3'));
  await store.deleteCollection('contract-delete');
  await store.deleteCollection('contract-delete');
  assert.equal(await (await store.collection('contract-delete', 16)).count(), 0);
});

test('a collection refuses vectors of another dimension, naming the collection', async () => {
  await assert.rejects(store.collection('contract-200x16', 384), (error: unknown) => {
    assert.ok(error instanceof VectorStoreError);
    assert.equal(error.kind, 'collection-incompatible');
    assert.equal(error.collection, 'contract-200x16');
    assert.match(error.message, /"contract-200x16" holds vectors of 16 dimensions; refusing vectors of 384/);
    return true;
  });
  const wrong = { id: 'odd-one', vector: new Float32Array(8), metadata: {} };
  await assert.rejects(collection.upsert([wrong]), /Collection "contract-200x16" holds vectors of 16 dimensions; record "odd-one" has 8/);
  await assert.rejects(collection.query(new Float32Array(8), { k: 1 }), /"contract-200x16".*the query vector has 8/);
  assert.equal(await collection.count(), 200);
});

test('bad names and non-finite values are refused before reaching Chroma', async () => {
  await assert.rejects(store.collection('persona:meera', 16), (error: unknown) => error instanceof VectorStoreError && error.kind === 'collection-name' && /persona:meera/.test(error.message));
  const vector = new Float32Array(16);
  vector[5] = Number.NaN;
  await assert.rejects(collection.upsert([{ id: 'nan', vector, metadata: {} }]), /record "nan" has a non-finite value at index 5/);
});

test('duplicate ids in one upsert keep the last; empty metadata is fine', async () => {
  const scratch = await store.collection('contract-duplicates', 4);
  await scratch.upsert([
    { id: 'same', vector: Float32Array.of(1, 0, 0, 0), metadata: { version: 1 } },
    { id: 'same', vector: Float32Array.of(0, 1, 0, 0), metadata: {} },
  ]);
  assert.equal(await scratch.count(), 1);
  const [match] = await scratch.query(Float32Array.of(0, 1, 0, 0), { k: 1 });
  assert.deepEqual(match && { id: match.id, metadata: match.metadata }, { id: 'same', metadata: {} });
});

test('upserts and lookups larger than the server batch limit are split', async () => {
  const scratch = await store.collection('contract-large-batch', 4);
  const many = randomVectors(6_000, 4, 3).map((vector, index) => ({ id: `many-${index}`, vector, metadata: { index } }));
  await scratch.upsert(many);
  assert.equal(await scratch.count(), 6_000);
  assert.equal((await scratch.existingIds(many.map((record) => record.id))).size, 6_000);
  await scratch.delete(many.map((record) => record.id));
  assert.equal(await scratch.count(), 0);
});

test('an aborted query rejects with the abort reason', async () => {
  const controller = new AbortController();
  controller.abort(new Error('barge-in'));
  await assert.rejects(collection.query(vectors[0] ?? new Float32Array(16), { k: 3, signal: controller.signal }), /barge-in/);
});

test('a closed store refuses further use', async () => {
  const closing = createChromaVectorStore({ url: server.url });
  const handle = await closing.collection('contract-200x16', 16);
  await closing.close();
  await assert.rejects(handle.count(), (error: unknown) => error instanceof VectorStoreError && error.kind === 'closed');
});

test('a collection made elsewhere is checked: its stored vectors set the dimension, and only cosine space is taken', async () => {
  const { hostname, port } = new URL(server.url);
  const client = new ChromaClient({ host: hostname, port: Number(port) });
  const foreign = await client.getOrCreateCollection({ name: 'made-elsewhere', embeddingFunction: null, configuration: { hnsw: { space: 'cosine' } } });
  await foreign.add({ ids: ['x'], embeddings: [[1, 0, 0, 0, 0, 0, 0, 0]] });
  await assert.rejects(store.collection('made-elsewhere', 16), /"made-elsewhere" holds vectors of 8 dimensions; refusing vectors of 16/);
  const adopted = await store.collection('made-elsewhere', 8);
  assert.equal(await adopted.count(), 1);
  assert.equal((await client.getCollection({ name: 'made-elsewhere' })).metadata?.['dimensions'], 8);

  await client.getOrCreateCollection({ name: 'euclidean', embeddingFunction: null, configuration: { hnsw: { space: 'l2' } } });
  await assert.rejects(store.collection('euclidean', 8), (error: unknown) => error instanceof VectorStoreError && error.kind === 'collection-incompatible' && /"euclidean" uses l2 distance/.test(error.message));
});
