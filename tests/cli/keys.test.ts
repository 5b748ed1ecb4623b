import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { verifyApiKey } from '../../src/store/api-key-repository.js';
import { openStore } from '../../src/store/store.js';
import { temporaryFolder } from '../helpers/temporary-folder.js';
import { testConfig } from '../helpers/test-config.js';

const cli = path.resolve('tests/cli/persona-keys-cli.ts');
// A plaintext store, so scanning its files for the key proves something.
const plaintextStore = { PERSONA_ENCRYPT: 'false' };

function persona(home: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['--import', 'tsx', cli, ...args], {
    env: { ...process.env, PERSONA_HOME: home, ...plaintextStore },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

interface ListedKey {
  id: string;
  name?: string;
  prefix: string;
  createdAt: string;
  lastUsedAt?: string;
  revokedAt?: string;
}

test('keys create, list and revoke round trip; the key is printed once and stored only as a hash', (context) => {
  const home = temporaryFolder(context);
  const created = persona(home, ['keys', 'create', '--name', 'kiosk backend', '--json']);
  assert.equal(created.status, 0, created.stderr);
  const { key, id, name } = JSON.parse(created.stdout) as { key: string; id: string; name: string };
  assert.match(key, /^pk_[A-Za-z0-9_-]{43}$/);
  assert.equal(name, 'kiosk backend');

  const plain = persona(home, ['keys', 'create']);
  assert.equal(plain.status, 0, plain.stderr);
  const secondKey = plain.stdout.trim();
  assert.match(secondKey, /^pk_[A-Za-z0-9_-]{43}$/, 'stdout holds the key alone');
  assert.match(plain.stderr, /it cannot be shown again/);
  assert.equal(`${plain.stdout}${plain.stderr}`.split(secondKey).length - 1, 1, 'printed exactly once');
  assert.equal(`${created.stdout}${created.stderr}`.split(key).length - 1, 1, 'printed exactly once');

  {
    using store = openStore(testConfig(home, plaintextStore));
    assert.equal(verifyApiKey(store.database, key).ok, true);
    assert.equal(verifyApiKey(store.database, secondKey).ok, true);
  }

  const listedJson = persona(home, ['keys', 'list', '--json']);
  assert.equal(listedJson.status, 0, listedJson.stderr);
  const listed = JSON.parse(listedJson.stdout) as ListedKey[];
  assert.equal(listed.length, 2);
  assert.deepEqual([listed[0]?.id, listed[0]?.name, listed[0]?.prefix], [id, 'kiosk backend', key.slice(0, 11)]);
  assert.ok(listed[0]?.lastUsedAt, 'the verification above was recorded');

  const table = persona(home, ['keys', 'list']);
  assert.equal(table.status, 0);
  assert.match(table.stdout, /^id\s+prefix\s+created\s+last used\s+revoked\s+name$/m);
  assert.match(table.stdout, new RegExp(`^${id}\\s+${key.slice(0, 11)}….*kiosk backend$`, 'm'));

  for (const output of [listedJson.stdout, table.stdout, table.stderr]) {
    assert.ok(!output.includes(key.slice(11)) && !output.includes(secondKey.slice(11)), 'listings never show a key');
  }

  const revoked = persona(home, ['keys', 'revoke', id]);
  assert.equal(revoked.status, 0, revoked.stderr);
  assert.match(revoked.stdout, new RegExp(`^revoked ${id} `));
  const afterRevoke = JSON.parse(persona(home, ['keys', 'list', '--json']).stdout) as ListedKey[];
  assert.ok(afterRevoke[0]?.revokedAt);
  assert.equal(afterRevoke[1]?.revokedAt, undefined);
  assert.match(persona(home, ['keys', 'list']).stdout, new RegExp(`^${id}\\s.*\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d\\s+kiosk backend$`, 'm'));

  {
    using store = openStore(testConfig(home, plaintextStore));
    assert.deepEqual(verifyApiKey(store.database, key), { ok: false, reason: 'revoked' });
  }

  const files = readdirSync(home).filter((file) => file.startsWith('persona.db'));
  const bytes = Buffer.concat(files.map((file) => readFileSync(path.join(home, file))));
  assert.ok(bytes.includes('kiosk backend'), 'the scan reads a plaintext store');
  assert.ok(!bytes.includes(key.slice(11)) && !bytes.includes(secondKey.slice(11)), 'no key is stored in plaintext');
});

test('revoking an unknown key fails with a clear message and status 1', (context) => {
  const home = temporaryFolder(context);
  const result = persona(home, ['keys', 'revoke', 'pk_nope']);
  assert.equal(result.status, 1);
  assert.match(result.stderr, /^persona: No API key has the id or prefix "pk_nope" \(see: persona keys list\)/);
  assert.match(persona(home, ['keys', 'list']).stdout, /No API keys yet/);
});
