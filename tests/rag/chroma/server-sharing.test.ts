import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { openVectorStore } from '../../../src/rag/chroma/open-vector-store.js';

test('a second process on the same folder shares the running embedded server; a dead owner is taken over', { timeout: 60_000 }, async (context) => {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'persona-chroma-share-'));
  context.after(() => rmSync(folder, { recursive: true, force: true }));
  const dataFolder = path.join(folder, 'chroma');
  const ownerFile = `${dataFolder}.owner.json`;

  const first = await openVectorStore({ dataFolder });
  const second = await openVectorStore({ dataFolder });
  try {
    assert.ok(first.server, 'the first starts the server');
    assert.equal(second.server, undefined, 'the second starts none');
    assert.equal(second.url, first.url);
    const collection = await first.collection('shared-test', 3);
    await collection.upsert([{ id: 'a', vector: new Float32Array([1, 0, 0]), metadata: { kind: 'email' } }]);
    assert.equal(await (await second.collection('shared-test', 3)).count(), 1);
  } finally {
    await second.close();
    await first.close();
  }
  assert.ok(!existsSync(ownerFile), 'the owner file goes with the owner');

  writeFileSync(ownerFile, JSON.stringify({ pid: 2 ** 22 + 12345, url: 'http://127.0.0.1:1' }));
  const third = await openVectorStore({ dataFolder });
  try {
    assert.ok(third.server, 'a claim by a dead process is taken over');
    assert.equal(await (await third.collection('shared-test', 3)).count(), 1, 'and the data is still there');
  } finally {
    await third.close();
  }
});
