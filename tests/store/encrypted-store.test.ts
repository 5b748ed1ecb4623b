import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { StoreError } from '../../src/errors.js';
import { openStore } from '../../src/store/store.js';
import { migrations } from '../../src/store/migrations.js';
import { temporaryFolder } from '../helpers/temporary-folder.js';
import { testConfig } from '../helpers/test-config.js';

const secret = 'The monsoon drainage culvert under the Adyar footbridge';

const configFor = testConfig;

function writeSecret(home: string, environment: Record<string, string> = {}): void {
  using store = openStore(configFor(home, environment));
  store.database.prepare("INSERT INTO personas (id, display_name, identities, created_at) VALUES ('p', ?, '[]', 'now')").run(secret);
}

function filesOf(home: string): string[] {
  return readdirSync(home).filter((name) => name.startsWith('persona.db')).map((name) => path.join(home, name));
}

test('a key file is made on first use, private, and the database holds no plaintext', (context) => {
  const home = temporaryFolder(context);
  writeSecret(home);
  const keyFile = path.join(home, 'keys', 'store.key');
  assert.ok(existsSync(keyFile));
  assert.equal(statSync(keyFile).mode & 0o777, 0o600);
  assert.match(readFileSync(keyFile, 'utf8').trim(), /^[0-9a-f]{64}$/);
  for (const file of filesOf(home)) assert.ok(!readFileSync(file).includes(Buffer.from('monsoon')), `${file} holds plaintext`);
  using store = openStore(configFor(home));
  assert.ok(store.encrypted);
  assert.equal((store.database.prepare("SELECT display_name FROM personas WHERE id = 'p'").get() as { display_name: string }).display_name, secret);
});

test('a passphrase opens what it wrote; a wrong one is refused with a clear error and the file is unchanged', (context) => {
  const home = temporaryFolder(context);
  writeSecret(home, { PERSONA_PASSPHRASE: 'correct horse battery' });
  const before = readFileSync(path.join(home, 'persona.db'));
  assert.throws(
    () => openStore(configFor(home, { PERSONA_PASSPHRASE: 'wrong horse battery' })),
    (error: unknown) => error instanceof StoreError && error.code === 'store-key' && /PERSONA_PASSPHRASE/.test(error.message) && error.message.includes(home),
  );
  assert.deepEqual(readFileSync(path.join(home, 'persona.db')), before);
  using store = openStore(configFor(home, { PERSONA_PASSPHRASE: 'correct horse battery' }));
  assert.equal(store.database.prepare('SELECT count(*) AS count FROM personas').pluck().get(), 1);
});

test('an encrypted store opened without encryption says a key is needed', (context) => {
  const home = temporaryFolder(context);
  writeSecret(home);
  assert.throws(() => openStore(configFor(home, { PERSONA_ENCRYPT: 'false' })), /encrypted and no key is configured/);
});

test('a malformed key file is named in the error', (context) => {
  const home = temporaryFolder(context);
  const keyFile = path.join(home, 'my.key');
  writeFileSync(keyFile, 'not-a-key');
  assert.throws(() => openStore(configFor(home, { PERSONA_KEY_FILE: keyFile })), (error: unknown) => error instanceof StoreError && error.message.includes(keyFile));
});

test('migrations are versioned and run once', (context) => {
  const home = temporaryFolder(context);
  writeSecret(home);
  using store = openStore(configFor(home));
  const versions = store.database.prepare('SELECT version FROM schema_migrations ORDER BY version').pluck().all();
  assert.deepEqual(versions, migrations.map((migration) => migration.version));
  assert.deepEqual(versions, versions.map((_, index) => index + 1), 'versions run in order, none skipped');
  for (const table of ['sources', 'items', 'passages', 'chunks', 'interviews', 'conversations', 'conversation_turns', 'feedback', 'jobs']) {
    assert.equal(store.database.prepare("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?").pluck().get(table), 1, table);
  }
});
