/**
 * The speech-recognition bias models hold names, places and word triples of the persona's
 * mail: they are never written to the persistent cache, only into the process's private
 * temporary folder (0700, tmpfs where there is one, 0600 files), which goes at exit and,
 * after a kill, at the next start; the plaintext biased models older versions left in the
 * cache are deleted; `dropBiasModels` removes one persona's. Real pocketsphinx and espeak-ng.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { privateTemporaryFolder, privateTemporaryFolders, privateTemporaryRoot } from '../../../src/private-temporary-folder.js';
import { biasModelPurpose, dropBiasModels } from '../../../src/stt/pocketsphinx/drop-bias-models.js';
import { createPocketsphinxEngine } from '../../../src/stt/pocketsphinx/pocketsphinx-engine.js';
import { temporaryFolder } from '../../helpers/temporary-folder.js';

const secretName = 'Venkataraman';
const phrases = [`Anirudh ${secretName} inspected the Thirumalai footbridge on Tuesday.`, `Call ${secretName} about the Thirumalai drawings.`];

function filesUnder(folder: string): string[] {
  return readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name));
}

test('the speech-recognition bias caches hold nothing of the corpus in plaintext: private 0700 folder, 0600 files, legacy ones deleted', { timeout: 120_000 }, async (context) => {
  const cacheFolder = temporaryFolder(context);
  const legacy = path.join(cacheFolder, 'biased-0123456789abcdef0123.arpa');
  writeFileSync(legacy, `-1.0 ${secretName}\n`);
  const engine = createPocketsphinxEngine({ cacheFolder });
  context.after(() => engine.close());
  assert.ok(!existsSync(legacy), 'an old version\'s plaintext biased model is deleted at start');

  const model = await engine.biasedModel({ phrases, persona: 'meera' });
  const privateFolder = privateTemporaryFolder(biasModelPurpose);
  if (existsSync('/dev/shm')) assert.equal(path.dirname(privateFolder), '/dev/shm', 'on tmpfs');
  assert.equal(statSync(privateFolder).mode & 0o777, 0o700);
  for (const file of [model.languageModelFile, model.dictionaryFile]) {
    assert.equal(path.dirname(file), privateFolder);
    assert.equal(statSync(file).mode & 0o777, 0o600, file);
  }
  assert.ok(readFileSync(model.languageModelFile, 'utf8').toLowerCase().includes('thirumalai'), 'the model is the biased one');
  for (const file of filesUnder(cacheFolder)) {
    assert.ok(!readFileSync(file, 'latin1').toLowerCase().includes(secretName.toLowerCase()), `${file} holds a corpus word`);
    assert.equal(statSync(file).mode & 0o777, 0o600, file);
  }
  assert.equal(statSync(cacheFolder).mode & 0o777, 0o700);

  // Another persona's model stays when this one's is dropped.
  const other = await engine.biasedModel({ phrases: ['Tom Okafor checked the Kaveri culvert.'], persona: 'tom' });
  assert.ok(dropBiasModels('meera', { cacheFolder }) >= 2);
  assert.ok(!existsSync(model.languageModelFile) && !existsSync(model.dictionaryFile), 'the persona\'s bias models are dropped');
  assert.ok(existsSync(other.languageModelFile), 'another persona\'s stay');
  // Heard again, the model is built again from what the store still holds.
  const rebuilt = await engine.biasedModel({ phrases, persona: 'meera' });
  assert.ok(existsSync(rebuilt.languageModelFile));
});

test('a persona\'s stale bias model is deleted when its bias changes, and rebuilt if still asked for', { timeout: 120_000 }, async (context) => {
  const engine = createPocketsphinxEngine({ cacheFolder: temporaryFolder(context) });
  context.after(() => engine.close());
  const before = await engine.biasedModel({ phrases, persona: 'lakshmi' });
  const after = await engine.biasedModel({ phrases: [...phrases, 'Lakshmi met Anika at the Adyar creek.'], persona: 'lakshmi' });
  assert.notEqual(before.key, after.key);
  assert.ok(!existsSync(before.languageModelFile) && !existsSync(before.dictionaryFile), 'the superseded model is gone');
  assert.ok(existsSync(after.languageModelFile));
  // A session still holding the old bias gets its model again.
  const again = await engine.biasedModel({ phrases, persona: 'lakshmi' });
  assert.ok(existsSync(again.languageModelFile) && again.key === before.key);
});

test('the private temporary folder goes at exit, and a killed process\'s goes at the next start', { timeout: 60_000 }, () => {
  const script = (then: string): string[] => [
    '--import',
    'tsx',
    '--input-type=module',
    '-e',
    `import { privateTemporaryFolder } from ${JSON.stringify(path.resolve('src/private-temporary-folder.ts'))};
     import { writeFileSync } from 'node:fs';
     const folder = privateTemporaryFolder('test-private');
     writeFileSync(folder + '/model.arpa', 'secret');
     console.log(folder);
     ${then}`,
  ];
  const exited = spawnSync(process.execPath, script(''), { encoding: 'utf8' });
  assert.equal(exited.status, 0, exited.stderr);
  assert.ok(!existsSync(exited.stdout.trim()), 'removed at a normal exit');

  const killed = spawnSync(process.execPath, script("process.kill(process.pid, 'SIGKILL');"), { encoding: 'utf8' });
  const left = killed.stdout.trim();
  assert.ok(left && existsSync(left), 'a killed process cannot clean up');
  const next = spawnSync(process.execPath, script(''), { encoding: 'utf8' });
  assert.equal(next.status, 0, next.stderr);
  assert.ok(!existsSync(left), 'the next start removes the dead process\'s folder');
  assert.deepEqual(privateTemporaryFolders('test-private', privateTemporaryRoot()), []);
});
