/**
 * `persona batch` in a child process on the real embedded engines: a bad line is reported and
 * the rest succeed (exit 1); a run killed mid-way and rerun finishes the rest without redoing
 * finished items and leaves no partial file.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { openStore } from '../../src/store/store.js';
import { ingestSamplePersona } from '../helpers/sample-persona.js';
import { temporaryFolder } from '../helpers/temporary-folder.js';
import { testConfig } from '../helpers/test-config.js';
import { decodedSeconds } from '../batch/decoded-seconds.js';

const cli = path.resolve('tests/cli/persona-batch-cli.ts');

async function sampleHome(home: string): Promise<void> {
  const store = openStore(testConfig(home));
  try {
    await ingestSamplePersona(store);
  } finally {
    store.close();
  }
}

const environment = (home: string): NodeJS.ProcessEnv => ({ ...process.env, PERSONA_HOME: home, PERSONA_VOICES: path.join(home, 'voices'), PERSONA_DEFAULT: 'meera' });

function batch(home: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['--import', 'tsx', cli, 'batch', ...args], { env: environment(home), encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const indexLines = (out: string): { id: string; status: string; audioFile?: string }[] =>
  existsSync(path.join(out, 'index.jsonl'))
    ? readFileSync(path.join(out, 'index.jsonl'), 'utf8')
        .split('\n')
        .filter((line) => line.endsWith('}'))
        .map((line) => JSON.parse(line) as { id: string; status: string; audioFile?: string })
    : [];

test('a bad question line is reported with its line number and the rest succeed', async (context) => {
  const home = temporaryFolder(context);
  await sampleHome(home);
  const questions = path.join(home, 'questions.jsonl');
  writeFileSync(questions, [JSON.stringify({ question: 'What do you drink in the morning?', id: 'coffee' }), '{"question": ', JSON.stringify({ question: 'Where did you grow up?', id: 'home' })].join('\n'));
  const out = path.join(home, 'out');
  const run = batch(home, [questions, '--out', out, '--format', 'ogg']);
  assert.equal(run.status, 1, run.stderr);
  assert.match(run.stderr, /questions\.jsonl:2: invalid JSON/);
  assert.match(run.stdout, /2 of 2 done, 0 failed/);
  assert.deepEqual(readdirSync(out).sort(), ['0001-coffee.ogg', '0002-home.ogg', 'index.jsonl']);
  for (const file of ['0001-coffee.ogg', '0002-home.ogg']) assert.ok(decodedSeconds(path.join(out, file)) > 0.5);

  const missing = batch(home, [path.join(home, 'nothing.txt'), '--out', out]);
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /nothing\.txt: cannot read the questions file/);
  const intoFile = batch(home, [questions, '--out', questions]);
  assert.equal(intoFile.status, 1);
  assert.match(intoFile.stderr, /questions\.jsonl: the out folder is a file/);
});

test('a run killed mid-way and rerun finishes the rest without redoing done items and leaves no partial file', async (context) => {
  const home = temporaryFolder(context);
  await sampleHome(home);
  const questions = path.join(home, 'questions.txt');
  writeFileSync(questions, ['What do you drink in the morning?', 'Where did you grow up?', 'How do you handle a deadline?', 'What do you do on weekends?', 'What was your first bridge?', 'Do you like trains?'].join('\n'));
  const out = path.join(home, 'out');
  const child = spawn(process.execPath, ['--import', 'tsx', cli, 'batch', questions, '--out', out, '--format', 'wav'], { env: environment(home), stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // Killed without warning once two items are recorded: whatever was being written is cut off.
  while (indexLines(out).length < 2) await new Promise((resolve) => setTimeout(resolve, 20));
  child.kill('SIGKILL');
  await exited;
  const before = indexLines(out);
  assert.ok(before.length >= 2 && before.length < 6, `${before.length} items done when killed`);
  const modified = new Map(before.map((line) => [line.id, statSync(path.join(out, line.audioFile!)).mtimeMs]));

  const rerun = batch(home, [questions, '--out', out, '--format', 'wav', '--concurrency', '2', '--json']);
  assert.equal(rerun.status, 0, rerun.stderr);
  const summary = JSON.parse(rerun.stdout) as { done: number; skipped: number; failed: number };
  assert.deepEqual([summary.done, summary.skipped, summary.failed], [6, before.length, 0]);
  const lines = indexLines(out);
  assert.equal(lines.length, 6);
  for (const [id, mtime] of modified) assert.equal(statSync(path.join(out, lines.find((line) => line.id === id)!.audioFile!)).mtimeMs, mtime, `${id} was not redone`);
  assert.deepEqual(readdirSync(out).filter((file) => file.startsWith('.')), [], 'no temporary file is left');
  for (const line of lines) assert.ok(decodedSeconds(path.join(out, line.audioFile!)) > 0.5);
});
