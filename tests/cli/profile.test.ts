/**
 * `persona profile build | show | edit | fingerprint` in a child process on the sample
 * persona: versions, an edit through $EDITOR and through --file, a bad edit named by field.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { before, test } from 'node:test';
import type { StoredProfile } from '../../src/persona/profile/profile-repository.js';
import { openStore } from '../../src/store/store.js';
import { ingestSamplePersona } from '../helpers/sample-persona.js';
import { makeTemporaryFolder } from '../helpers/temporary-folder-per-file.js';
import { testConfig } from '../helpers/test-config.js';
import { runPersonaBuilding } from '../persona/profile/run-persona-building.js';

const home = makeTemporaryFolder('profile-cli');

before(async () => {
  using store = openStore(testConfig(home));
  await ingestSamplePersona(store);
});

test('build stores version 1 from the fingerprint; show prints it with its system prompt', { timeout: 60_000 }, () => {
  const built = runPersonaBuilding(home, ['profile', 'build', '--persona', 'meera', '--json']);
  assert.equal(built.status, 0, built.stderr);
  const stored = JSON.parse(built.stdout) as StoredProfile;
  assert.equal(stored.version, 1);
  assert.equal(stored.origin, 'fingerprint');
  assert.ok(stored.profile.traits.length >= 3);

  const shown = runPersonaBuilding(home, ['profile', 'show', '--persona', 'meera']);
  assert.equal(shown.status, 0, shown.stderr);
  assert.match(shown.stdout, /^Profile version 1 \(fingerprint, /);
  assert.match(shown.stdout, /Traits:\n {2}\S+ \(\d\.\d\d\)\n {4}“/);
  assert.ok(shown.stdout.includes(`System prompt:\n${stored.systemPrompt}`));

  const missing = runPersonaBuilding(home, ['profile', 'show', '--persona', 'meera', '--version', '5']);
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /no profile version 5; versions: 1/);
});

test('edit through $EDITOR and --file stores new versions; a bad edit names the field and stores nothing', { timeout: 60_000 }, () => {
  const editor = path.join(home, 'editor.mjs');
  writeFileSync(
    editor,
    "import fs from 'node:fs';\nconst file = process.argv[2];\nconst profile = JSON.parse(fs.readFileSync(file, 'utf8'));\nprofile.summary = 'Edited in the editor.';\nfs.writeFileSync(file, JSON.stringify(profile));\n",
  );
  const viaEditor = runPersonaBuilding(home, ['profile', 'edit', '--persona', 'meera', '--json'], { environment: { EDITOR: `${process.execPath} ${editor}` } });
  assert.equal(viaEditor.status, 0, viaEditor.stderr);
  const edited = JSON.parse(viaEditor.stdout) as StoredProfile;
  assert.equal(edited.origin, 'edited');
  assert.equal(edited.profile.summary, 'Edited in the editor.');
  assert.match(edited.systemPrompt, /^Who you are: Edited in the editor\./);

  const unchanged = runPersonaBuilding(home, ['profile', 'edit', '--persona', 'meera'], { environment: { EDITOR: 'true' } });
  assert.equal(unchanged.status, 0, unchanged.stderr);
  assert.match(unchanged.stdout, /No changes; nothing stored/);

  const bad = path.join(home, 'bad-profile.json');
  writeFileSync(bad, JSON.stringify({ ...edited.profile, traits: [{ name: 'candid', score: 'high', evidence: [] }] }));
  const rejected = runPersonaBuilding(home, ['profile', 'edit', '--persona', 'meera', '--file', bad]);
  assert.equal(rejected.status, 1);
  assert.match(rejected.stderr, /bad-profile\.json: not a valid profile: traits\[0\]\.score: /);

  const good = path.join(home, 'good-profile.json');
  writeFileSync(good, JSON.stringify({ ...edited.profile, summary: 'From a file.' }));
  const fromFile = runPersonaBuilding(home, ['profile', 'edit', '--persona', 'meera', '--file', good]);
  assert.equal(fromFile.status, 0, fromFile.stderr);
  assert.match(fromFile.stdout, /Stored profile version 3 \(edited\)/);
  const current = JSON.parse(runPersonaBuilding(home, ['profile', 'show', '--persona', 'meera', '--json']).stdout) as StoredProfile;
  assert.deepEqual({ version: current.version, summary: current.profile.summary }, { version: 3, summary: 'From a file.' });
});

test('fingerprint prints the persona\'s fingerprint as JSON', { timeout: 60_000 }, () => {
  const json = runPersonaBuilding(home, ['profile', 'fingerprint', '--persona', 'meera', '--json']);
  assert.equal(json.status, 0, json.stderr);
  assert.equal(typeof JSON.parse(json.stdout), 'object');
});
