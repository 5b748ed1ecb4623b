/**
 * Under PERSONA_HOME, what Persona makes is private: folders 0700, files 0600 (store and
 * its WAL, keys, logs, style reports, the speech-recognition cache); and a key file that
 * has gone missing beside an existing encrypted store is an error naming where it was
 * expected, never silently replaced by a new key (which could not open the store anyway).
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, renameSync, statSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { openPrivateLog } from '../../src/cli/start-background-embedding.js';
import { StoreError } from '../../src/errors.js';
import { writeStyleReport } from '../../src/persona/evaluation/write-style-report.js';
import { openStore } from '../../src/store/store.js';
import { createPocketsphinxEngine } from '../../src/stt/pocketsphinx/pocketsphinx-engine.js';
import { temporaryFolder } from '../helpers/temporary-folder.js';
import { testConfig } from '../helpers/test-config.js';

function modeOf(file: string): number {
  return statSync(file).mode & 0o777;
}

function everythingUnder(folder: string): string[] {
  return readdirSync(folder, { recursive: true }).map((name) => path.join(folder, String(name)));
}

test('files and folders under PERSONA_HOME are created 0600/0700: store, keys, logs, reports, cache', { timeout: 120_000 }, async (context) => {
  const home = path.join(temporaryFolder(context), 'home');
  const config = testConfig(home);
  const store = openStore(config);
  store.database.prepare("INSERT INTO personas (id, identities, created_at) VALUES ('meera', '[]', ?)").run(new Date().toISOString());
  assert.ok(existsSync(`${store.file}-wal`), 'the WAL is there to check');
  const { descriptor } = openPrivateLog(home, 'embed-meera.log');
  await writeStyleReport(path.join(home, 'reports', 'style-1'), { persona: 'meera' } as never).catch(() => undefined);
  const engine = createPocketsphinxEngine({ cacheFolder: path.join(home, 'cache', 'pocketsphinx') });
  await engine.biasedModel({ phrases: ['Meera inspected the footbridge.'], persona: 'meera' });
  await engine.close();
  context.after(() => store.close());

  const made = [home, ...everythingUnder(home)];
  for (const expected of ['persona.db', 'persona.db-wal', 'persona.db-shm', 'keys/store.key', 'logs/embed-meera.log', 'reports/style-1/report.json', 'cache/pocketsphinx']) {
    assert.ok(made.includes(path.join(home, expected)), `${expected} was made`);
  }
  for (const entry of made) {
    const expected = statSync(entry).isDirectory() ? 0o700 : 0o600;
    assert.equal(modeOf(entry), expected, `${path.relative(home, entry) || 'PERSONA_HOME'} is ${modeOf(entry).toString(8)}`);
  }
  void descriptor;
});

test('a missing key file next to an existing encrypted database is refused, naming where it was expected', (context) => {
  const home = temporaryFolder(context);
  const config = testConfig(home);
  const first = openStore(config);
  first.database.prepare("INSERT INTO personas (id, identities, created_at) VALUES ('meera', '[]', ?)").run(new Date().toISOString());
  first.close();
  const before = readFileSync(path.join(home, 'persona.db'));
  renameSync(config.store.keyFile, `${config.store.keyFile}.moved`);

  assert.throws(
    () => openStore(config),
    (error: unknown) =>
      error instanceof StoreError &&
      error.code === 'store-key' &&
      error.message.includes(`The key file ${config.store.keyFile} (PERSONA_KEY_FILE) is missing`) &&
      error.message.includes(path.join(home, 'persona.db')),
  );
  assert.ok(!existsSync(config.store.keyFile), 'no new key was made');
  assert.deepEqual(readFileSync(path.join(home, 'persona.db')), before, 'the store was not changed');

  // With the key back, the store opens as before.
  renameSync(`${config.store.keyFile}.moved`, config.store.keyFile);
  const reopened = openStore(config);
  assert.equal(reopened.database.prepare('SELECT count(*) FROM personas').pluck().get(), 1);
  reopened.close();
});
