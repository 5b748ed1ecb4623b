/**
 * Migration 7 on a store written before it: embedding records keyed by embedder alone get
 * the persona of their chunk, a record whose chunk is gone is given to every persona (each
 * deletes that id from its own collection at its next run), and the change stamp that
 * running servers compare is bumped by writes from any connection.
 */
import Database from 'better-sqlite3-multiple-ciphers';
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { migrations } from '../../src/store/migrations.js';
import { openDatabase } from '../../src/store/open-database.js';
import { readPersonaChangeStamp } from '../../src/store/persona-change-stamp.js';
import { makeTemporaryFolder } from '../helpers/temporary-folder-per-file.js';

const folder = makeTemporaryFolder('scoped-records');

function storeAtVersion6(file: string): void {
  const database = new Database(file);
  // This build turns foreign keys on by default; off here so chunks need no items.
  database.pragma('foreign_keys = OFF');
  database.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
  for (const migration of migrations.filter((candidate) => candidate.version <= 6)) {
    database.exec(migration.sql);
    database.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)').run(migration.version, migration.name, '2026-12-01T00:00:00Z');
  }
  const now = '2026-12-01T00:00:00Z';
  for (const persona of ['meera', 'sam']) database.prepare('INSERT INTO personas (id, created_at) VALUES (?, ?)').run(persona, now);
  const chunk = database.prepare("INSERT INTO chunks (id, item_id, passage_id, persona_id, position, text, token_count, is_persona) VALUES (?, 1, 1, ?, 0, 'text', 1, 1)");
  chunk.run(1, 'meera');
  chunk.run(2, 'sam');
  const record = database.prepare("INSERT INTO embedded_chunks (embedder_id, chunk_id, text_hash, embedded_at) VALUES ('use-lite', ?, 'hash', ?)");
  for (const chunkId of [1, 2, 3]) record.run(chunkId, now); // chunk 3 was forgotten before the upgrade
  database.close();
}

test('an old store: embedding records keyed by embedder alone are given their persona by migration 7', () => {
  const file = path.join(folder, 'old.db');
  storeAtVersion6(file);
  const database = openDatabase(file, undefined);
  try {
    const rows = database.prepare('SELECT persona_id, chunk_id FROM embedded_chunks ORDER BY chunk_id, persona_id').all();
    assert.deepEqual(rows, [
      { persona_id: 'meera', chunk_id: 1 },
      { persona_id: 'sam', chunk_id: 2 },
      { persona_id: 'meera', chunk_id: 3 },
      { persona_id: 'sam', chunk_id: 3 },
    ]);

    const before = readPersonaChangeStamp(database, 'meera');
    // Another connection (another process, in real use) writes: the stamp moves for that persona only.
    const other = openDatabase(file, undefined);
    other.prepare('DELETE FROM chunks WHERE id = 1').run();
    other.prepare("INSERT INTO embedded_chunks (persona_id, embedder_id, chunk_id, text_hash, embedded_at) VALUES ('meera', 'use-lite', 9, 'h', 'now')").run();
    other.close();
    const after = readPersonaChangeStamp(database, 'meera');
    assert.equal(after.content, before.content + 1);
    assert.equal(after.embeddings, before.embeddings + 1);
    assert.deepEqual(readPersonaChangeStamp(database, 'sam'), { content: 0, embeddings: 0 });
  } finally {
    database.close();
  }
});
