/**
 * `persona serve` as a user runs it: it listens, answers /healthz, refuses /v1 without a
 * key, and exits cleanly on SIGTERM. `persona demo --check` runs the README's first command
 * path end to end: the sample persona ingested and embedded, a key made, the server
 * started, one spoken question through /v1/talk, and a clean exit.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { test } from 'node:test';
import { runPersona } from '../helpers/run-persona.js';
import { temporaryFolder } from '../helpers/temporary-folder.js';

test('persona serve listens, guards /v1, and shuts down on SIGTERM', async (context) => {
  const home = temporaryFolder(context);
  const child = spawn(process.execPath, [path.resolve('bin/persona.js'), 'serve', '--port', '0'], { env: { ...process.env, PERSONA_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] });
  context.after(() => child.kill('SIGKILL'));
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "listening" line within 60 s: ${output}`)), 60_000);
    child.stdout.on('data', () => {
      const match = /listening on (http:\/\/[\d.:]+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once('exit', (code) => reject(new Error(`persona serve exited with ${code}: ${output}`)));
  });
  const health = await fetch(`${url}/healthz`);
  assert.equal(health.status, 200);
  assert.equal((await fetch(`${url}/v1/interact`, { method: 'POST' })).status, 401);
  child.kill('SIGTERM');
  const [code] = (await once(child, 'exit')) as [number | null];
  assert.equal(code, 0, output);
});

test('persona demo --check ingests the sample persona, serves it, and completes a spoken turn', (context) => {
  const home = temporaryFolder(context);
  const run = runPersona(home, ['demo', '--port', '0', '--check'], { PERSONA_AUDIO_LEAD_MS: '600000' });
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /Sample persona "meera": \d+ new items/);
  assert.match(run.stdout, /Heard \(pocketsphinx\): "[^"]+"/);
  assert.match(run.stdout, /Answer \(recall\): \S/);
  assert.match(run.stdout, /Audio: \d+ ms from flite; turn completed/);
});
