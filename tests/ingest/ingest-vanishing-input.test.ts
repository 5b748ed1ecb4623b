/**
 * Inputs that are not there: a file deleted while `persona ingest` runs is skipped with a
 * reason and the run finishes with its summary (it crashed with an uncaught ENOENT), and a run
 * given only paths that do not exist exits non-zero (it exited 0 having read nothing).
 */
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { ingest } from '../../src/ingest/ingest-run.js';
import { openStore } from '../../src/store/store.js';
import { runPersona } from '../helpers/run-persona.js';
import { temporaryFolder } from '../helpers/temporary-folder.js';
import { testConfig } from '../helpers/test-config.js';

test('a file deleted while persona ingest runs is skipped with a reason, not a crash', async (context) => {
  const folder = temporaryFolder(context);
  const corpus = path.join(folder, 'corpus');
  mkdirSync(corpus);
  const first = path.join(corpus, 'a-first.txt');
  const vanishing = path.join(corpus, 'b-vanishing.txt');
  const last = path.join(corpus, 'c-last.txt');
  writeFileSync(first, 'The culvert on the east approach is clear after the rain.');
  writeFileSync(vanishing, 'This note is deleted while the run is reading the first one.');
  writeFileSync(last, 'The bearings were greased on Tuesday.');
  using store = openStore(testConfig(path.join(folder, 'home')));
  const summary = await ingest({
    store,
    persona: 'meera',
    authors: ['Meera Krishnan'],
    inputs: [corpus],
    chunking: { targetTokens: 200, overlapTokens: 50 },
    limits: { maxFileBytes: 1024 * 1024, maxUnzippedBytes: 1024 * 1024 },
    stallTimeoutMs: 30_000,
    // The walk has listed all three files; the second goes before the run reaches it.
    onProgress: (progress) => {
      if (progress.file === first) rmSync(vanishing, { force: true });
    },
  });
  assert.equal(summary.files.seen, 3);
  assert.equal(summary.files.ingested, 2);
  assert.deepEqual(summary.skipped, [{ path: vanishing, reason: 'the file disappeared during the run' }]);
});

test('a path that does not exist makes persona ingest exit non-zero when nothing given could be read', (context) => {
  const folder = temporaryFolder(context);
  const missing = path.join(folder, 'no-such-folder');
  const run = runPersona(path.join(folder, 'home'), ['ingest', missing, '--persona', 'meera', '--no-embed']);
  assert.equal(run.status, 1, run.stdout);
  assert.match(run.stderr, new RegExp(`nothing could be read: ${missing.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: no such file or folder`));

  const good = path.join(folder, 'note.txt');
  writeFileSync(good, 'One readable note.');
  const mixed = runPersona(path.join(folder, 'home'), ['ingest', missing, good, '--persona', 'meera', '--no-embed']);
  assert.equal(mixed.status, 0, mixed.stderr);
  assert.match(mixed.stdout, /no-such-folder: no such file or folder/);
});
