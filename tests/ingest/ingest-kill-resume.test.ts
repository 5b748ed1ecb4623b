/**
 * A run killed with SIGKILL mid-way, then run again, ends with exactly the store an
 * uninterrupted run makes: each file is stored in one transaction, or not at all.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { mboxEntry, syntheticEmail } from '../../bench/synthetic-mail.js';
import { openStore } from '../../src/store/store.js';
import { countRows, dumpCorpus } from '../helpers/store-dump.js';
import { temporaryFolder } from '../helpers/temporary-folder.js';
import { testConfig } from '../helpers/test-config.js';

const personaCommand = path.resolve('bin/persona.js');
const fileCount = 12;
const messagesPerFile = 300;

function ingestArguments(corpus: string): string[] {
  return [personaCommand, 'ingest', corpus, '--persona', 'meera', '--author', 'meera@kaveri-bridgeworks.example', '--json', '--no-embed'];
}

function environmentFor(home: string): NodeJS.ProcessEnv {
  return { ...process.env, PERSONA_HOME: home };
}

test('SIGKILL mid-run, then a rerun, gives exactly the store of an uninterrupted run', { timeout: 240_000 }, async (context) => {
  const folder = temporaryFolder(context);
  const corpus = path.join(folder, 'corpus');
  mkdirSync(corpus);
  for (let file = 0; file < fileCount; file += 1) {
    const messages = Array.from({ length: messagesPerFile }, (_, index) => mboxEntry(syntheticEmail(file * messagesPerFile + index)));
    writeFileSync(path.join(corpus, `part-${String(file).padStart(2, '0')}.mbox`), messages.join(''));
  }

  const killedHome = path.join(folder, 'killed');
  const child = spawn(process.execPath, ingestArguments(corpus), { env: environmentFor(killedHome), stdio: 'ignore' });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
  const config = testConfig(killedHome);
  let storedSources = 0;
  while (storedSources < 2) {
    await sleep(25);
    if (!existsSync(path.join(killedHome, 'persona.db')) || !existsSync(config.store.keyFile)) continue;
    try {
      using store = openStore(config);
      storedSources = countRows(store.database, 'sources');
    } catch {
      // The child may be between creating the file and its first commit.
    }
  }
  child.kill('SIGKILL');
  assert.equal(await exited, 'SIGKILL');
  {
    using store = openStore(config);
    const afterKill = countRows(store.database, 'sources');
    assert.ok(afterKill >= 2 && afterKill < fileCount, `killed mid-way (${afterKill} of ${fileCount} files stored)`);
  }

  const rerun = spawnSync(process.execPath, ingestArguments(corpus), { env: environmentFor(killedHome), encoding: 'utf8' });
  assert.equal(rerun.status, 0, rerun.stderr);
  const rerunSummary = JSON.parse(rerun.stdout) as { files: { unchanged: number; ingested: number } };
  assert.ok(rerunSummary.files.unchanged >= 2, 'files stored before the kill are not read again');

  const cleanHome = path.join(folder, 'clean');
  const clean = spawnSync(process.execPath, ingestArguments(corpus), { env: environmentFor(cleanHome), encoding: 'utf8' });
  assert.equal(clean.status, 0, clean.stderr);

  using resumed = openStore(config);
  using uninterrupted = openStore(testConfig(cleanHome));
  assert.equal(countRows(resumed.database, 'items'), fileCount * messagesPerFile);
  assert.deepEqual(dumpCorpus(resumed.database), dumpCorpus(uninterrupted.database));
});
