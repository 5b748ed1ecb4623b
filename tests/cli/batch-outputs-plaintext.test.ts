/**
 * Batch outputs are plaintext by design (they are the files the user asked for): the
 * `persona batch` help and the README's Batch section say so, so nobody takes them for
 * part of the encrypted store.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { runPersona } from '../helpers/run-persona.js';
import { temporaryFolder } from '../helpers/temporary-folder.js';

test('batch outputs are plaintext by design: the batch command\'s help and the README say so', (context) => {
  const help = runPersona(temporaryFolder(context), ['batch', '--help']);
  assert.equal(help.status, 0, help.stderr);
  const text = help.stdout.replace(/\s+/g, ' ');
  assert.match(text, /The outputs are plain files, not encrypted like the store/);
  assert.match(text, /plain, unencrypted files/);

  const readme = readFileSync('README.md', 'utf8');
  const batch = readme.slice(readme.indexOf('## Batch answers'), readme.indexOf('\n## ', readme.indexOf('## Batch answers') + 1));
  assert.match(batch.replace(/\s+/g, ' '), /The outputs are plaintext by design/);
});
