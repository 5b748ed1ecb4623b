import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { PersonaError, StoreError } from '../../src/errors.js';
import { createApiKey, findApiKey, listApiKeys, revokeApiKey, verifyApiKey } from '../../src/store/api-key-repository.js';
import type { SqliteDatabase } from '../../src/store/open-database.js';
import { openStore } from '../../src/store/store.js';
import { temporaryFolder } from '../helpers/temporary-folder.js';
import { testConfig } from '../helpers/test-config.js';

const plaintextStore = { PERSONA_ENCRYPT: 'false' };

test('a new key verifies; the store keeps its hash and prefix, never the key', (context) => {
  const home = temporaryFolder(context);
  using store = openStore(testConfig(home, plaintextStore));
  const created = createApiKey(store.database, { name: 'kiosk app' });
  assert.match(created.key, /^pk_[A-Za-z0-9_-]{43}$/);
  assert.equal(created.prefix, created.key.slice(0, 11));
  assert.equal(created.name, 'kiosk app');

  const verification = verifyApiKey(store.database, created.key);
  assert.equal(verification.ok, true);
  assert.equal(verification.ok && verification.record.id, created.id);

  const row = store.database.prepare('SELECT * FROM api_keys WHERE id = ?').get(created.id) as Record<string, unknown>;
  assert.equal(row.key_hash, createHashHex(created.key));
  for (const value of Object.values(row)) assert.ok(!String(value).includes(created.key.slice(11)), 'no column holds the secret part');
  store.close();
  const files = readdirSync(home).filter((name) => name.startsWith('persona.db'));
  const bytes = Buffer.concat(files.map((file) => readFileSync(path.join(home, file))));
  assert.ok(bytes.includes('kiosk app') && bytes.includes(created.prefix), 'the scan reads a plaintext store');
  assert.ok(!bytes.includes(created.key.slice(11)), 'the store files hold the key in plaintext');
});

test('wrong, altered and malformed keys are refused with their reason', (context) => {
  using store = openStore(testConfig(temporaryFolder(context), plaintextStore));
  const { key } = createApiKey(store.database);
  const altered = key.slice(0, -1) + (key.endsWith('A') ? 'B' : 'A');
  assert.deepEqual(verifyApiKey(store.database, altered), { ok: false, reason: 'unknown' });
  assert.deepEqual(verifyApiKey(store.database, createApiKey(store.database).key.replace('pk_', 'pk-')), { ok: false, reason: 'malformed' });
  assert.deepEqual(verifyApiKey(store.database, `${key}x`), { ok: false, reason: 'malformed' });
  assert.deepEqual(verifyApiKey(store.database, ''), { ok: false, reason: 'malformed' });
});

test('revoking by id or by prefix stops the key; listings show it revoked; unknown ids are a clear not-found', (context) => {
  using store = openStore(testConfig(temporaryFolder(context), plaintextStore));
  const first = createApiKey(store.database, { name: 'first', now: new Date('2030-01-01T00:00:00Z') });
  const second = createApiKey(store.database, { now: new Date('2030-01-02T00:00:00Z') });

  const revoked = revokeApiKey(store.database, first.id, { now: new Date('2030-01-03T00:00:00Z') });
  assert.equal(revoked.revokedAt, '2030-01-03T00:00:00.000Z');
  assert.deepEqual(verifyApiKey(store.database, first.key), { ok: false, reason: 'revoked' });
  assert.equal(verifyApiKey(store.database, second.key).ok, true);

  revokeApiKey(store.database, second.prefix);
  assert.deepEqual(verifyApiKey(store.database, second.key), { ok: false, reason: 'revoked' });
  // Revoking again keeps the first revocation time.
  assert.equal(revokeApiKey(store.database, first.id).revokedAt, '2030-01-03T00:00:00.000Z');

  const listed = listApiKeys(store.database);
  assert.deepEqual(listed.map((record) => [record.id, record.name, record.revokedAt !== undefined]), [
    [first.id, 'first', true],
    [second.id, undefined, true],
  ]);
  assert.ok(listed.every((record) => !('key' in record)));

  assert.throws(
    () => revokeApiKey(store.database, 'pk_nothing'),
    (error: unknown) => error instanceof StoreError && error.code === 'not-found' && error.message.includes('"pk_nothing"'),
  );
});

test('a prefix shared by two keys is refused, naming both ids', (context) => {
  using store = openStore(testConfig(temporaryFolder(context), plaintextStore));
  const first = createApiKey(store.database);
  const second = createApiKey(store.database);
  store.database.prepare('UPDATE api_keys SET prefix = ?').run('pk_same1234');
  assert.throws(
    () => revokeApiKey(store.database, 'pk_same1234'),
    (error: unknown) => error instanceof StoreError && error.message.includes(first.id) && error.message.includes(second.id),
  );
  assert.equal(findApiKey(store.database, first.id)?.revokedAt, undefined);
});

test('last use is written at most once a minute per key', (context) => {
  using store = openStore(testConfig(temporaryFolder(context), plaintextStore));
  const { id, key } = createApiKey(store.database);
  const at = (seconds: number): Date => new Date(Date.UTC(2030, 0, 1, 12, 0, seconds));
  const changesBefore = totalChanges(store.database);
  verifyApiKey(store.database, key, { now: at(0) });
  assert.equal(findApiKey(store.database, id)?.lastUsedAt, at(0).toISOString());
  for (const second of [1, 20, 59]) verifyApiKey(store.database, key, { now: at(second) });
  assert.equal(findApiKey(store.database, id)?.lastUsedAt, at(0).toISOString());
  assert.equal(totalChanges(store.database) - changesBefore, 1, 'one write for four uses within the minute');
  verifyApiKey(store.database, key, { now: at(60) });
  assert.equal(findApiKey(store.database, id)?.lastUsedAt, at(60).toISOString());
});

test('a key name that is too long or holds control characters is refused, naming the problem', (context) => {
  using store = openStore(testConfig(temporaryFolder(context), plaintextStore));
  assert.throws(() => createApiKey(store.database, { name: 'x'.repeat(101) }), (error: unknown) => error instanceof PersonaError && /101 characters/.test(error.message));
  assert.throws(() => createApiKey(store.database, { name: 'evil\u001b[2J' }), (error: unknown) => error instanceof PersonaError && /control characters/.test(error.message));
  assert.equal(listApiKeys(store.database).length, 0);
  assert.equal(createApiKey(store.database, { name: '   ' }).name, undefined);
});

test('keys live in the encrypted store like everything else', (context) => {
  const home = temporaryFolder(context);
  {
    using store = openStore(testConfig(home));
    createApiKey(store.database, { name: 'Zephyrine backend' });
  }
  for (const file of readdirSync(home).filter((name) => name.startsWith('persona.db'))) {
    assert.equal(readFileSync(path.join(home, file)).indexOf('Zephyrine'), -1);
  }
  using store = openStore(testConfig(home));
  assert.equal(listApiKeys(store.database)[0]?.name, 'Zephyrine backend');
});

function createHashHex(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

function totalChanges(database: SqliteDatabase): number {
  return database.prepare('SELECT total_changes()').pluck().get() as number;
}
