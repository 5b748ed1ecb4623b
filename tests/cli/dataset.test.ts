/**
 * `persona dataset export` end to end: the files it writes are read the way
 * workers/train/train_lora.py reads them (JSON Lines, one {"messages": [system, user,
 * assistant]} per line; see load_split there), and by check_export.py itself when a
 * python3 is on the PATH.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { before, test } from 'node:test';
import { makeTemporaryFolder } from '../helpers/temporary-folder-per-file.js';
import { datasetStore, personaPhone, thirdPartyPhone } from '../persona/dataset/dataset-corpus.js';

const entry = path.resolve('tests/cli/persona-dataset-cli.ts');
// Made at the top level: a folder made inside `before` is removed as soon as the hook ends.
const home = makeTemporaryFolder('dataset-cli');

before(async () => {
  const store = await datasetStore(home);
  store.close();
});

function persona(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['--import', 'tsx', entry, ...args], {
    env: { ...process.env, PERSONA_HOME: home, PERSONA_ENCRYPT: 'false', PERSONA_DEFAULT: 'meera' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** As train_lora.py's load_split: every non-blank line one JSON object. */
function readJsonLines(file: string): { messages: { role: string; content: string }[] }[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as { messages: { role: string; content: string }[] });
}

test('export writes train.jsonl, validation.jsonl and manifest.json in the shape train_lora.py reads', () => {
  const out = path.join(home, 'export');
  const run = persona(['dataset', 'export', '--out', out, '--validation', '0.25', '--mask', '--json']);
  assert.equal(run.status, 0, run.stderr);
  assert.deepEqual(readdirSync(out).sort(), ['manifest.json', 'train.jsonl', 'validation.jsonl']);
  const manifest = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8')) as {
    persona: string;
    counts: { train: number; validation: number };
    byOrigin: { train: Record<string, number> };
    masked: boolean;
    seed: number;
  };
  assert.equal(manifest.persona, 'meera');
  assert.equal(manifest.masked, true);
  assert.equal(manifest.seed, 1);
  assert.deepEqual(JSON.parse(run.stdout).counts, manifest.counts);
  const train = readJsonLines(path.join(out, 'train.jsonl'));
  const validation = readJsonLines(path.join(out, 'validation.jsonl'));
  assert.equal(train.length, manifest.counts.train);
  assert.equal(validation.length, manifest.counts.validation);
  assert.ok(validation.length > 0 && manifest.byOrigin.train.interview! > 0);
  for (const record of [...train, ...validation]) {
    assert.deepEqual(Object.keys(record), ['messages']);
    assert.deepEqual(
      record.messages.map((message) => message.role),
      ['system', 'user', 'assistant'],
    );
    for (const message of record.messages) assert.ok(typeof message.content === 'string' && message.content.trim().length > 0);
  }
  const text = readFileSync(path.join(out, 'train.jsonl'), 'utf8') + readFileSync(path.join(out, 'validation.jsonl'), 'utf8');
  assert.ok(!text.includes(thirdPartyPhone) && text.includes(personaPhone));
  assert.ok(!readdirSync(out).some((name) => name.endsWith('.partial')));

  const python = spawnSync('python3', [path.resolve('workers/train/check_export.py'), out], { encoding: 'utf8' });
  if (python.error) return; // No python3 here: the JSON Lines reading above is the same check.
  assert.equal(python.status, 0, python.stderr);
  assert.match(python.stdout, new RegExp(`^ok: ${manifest.counts.train} train, ${manifest.counts.validation} validation examples`));
});

test('check_export.py names the line of a malformed example', (context) => {
  const out = path.join(home, 'export');
  if (!existsSync(path.join(out, 'train.jsonl'))) return context.skip('the export test did not run');
  const broken = path.join(home, 'broken');
  const run = persona(['dataset', 'export', '--out', broken]);
  assert.equal(run.status, 0, run.stderr);
  const lines = readFileSync(path.join(broken, 'train.jsonl'), 'utf8').split('\n');
  lines[1] = JSON.stringify({ messages: [{ role: 'user', content: 'hi' }, { role: 'assistant', content: 'hello' }] });
  writeFileSync(path.join(broken, 'train.jsonl'), lines.join('\n'));
  const python = spawnSync('python3', [path.resolve('workers/train/check_export.py'), broken], { encoding: 'utf8' });
  if (python.error) return context.skip('no python3');
  assert.equal(python.status, 1);
  assert.match(python.stderr, /train\.jsonl:2: messages must be \['system', 'user', 'assistant'\]/);
});

test('bad options are refused naming the option; an unknown mode names the mode', () => {
  const share = persona(['dataset', 'export', '--out', path.join(home, 'x'), '--validation', '1.5']);
  assert.notEqual(share.status, 0);
  assert.match(share.stderr, /--validation must be a number from 0 to below 1, not "1.5"/);
  const mode = persona(['dataset', 'export', '--out', path.join(home, 'x'), '--mode', 'poetry']);
  assert.equal(mode.status, 1);
  assert.match(mode.stderr, /persona: persona "meera" has no mode "poetry"/);
  const missing = persona(['dataset', 'export']);
  assert.notEqual(missing.status, 0);
  assert.match(missing.stderr, /--out/);
});
