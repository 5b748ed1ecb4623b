/**
 * `persona interview` in a child process: answers piped in are stored verbatim; with no
 * terminal and nothing piped in it exits 1 instead of hanging; a recording's path is
 * transcribed by the real STT engine (pocketsphinx) and stored as spoken; import.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { openStore } from '../../src/store/store.js';
import { makeTemporaryFolder } from '../helpers/temporary-folder-per-file.js';
import { testConfig } from '../helpers/test-config.js';
import { runPersonaBuilding } from '../persona/profile/run-persona-building.js';

const home = makeTemporaryFolder('interview-cli');

function storedInterviews(): { question: string; answer: string; via: string; tone: string; category: string }[] {
  using store = openStore(testConfig(home));
  return store.database.prepare("SELECT question, answer, via, tone, category FROM interviews WHERE persona_id = 'asha' ORDER BY id").all() as never;
}

test('answers piped in are stored verbatim, and those questions are not offered again', { timeout: 60_000 }, () => {
  const listed = runPersonaBuilding(home, ['interview', 'questions', '--persona', 'asha', '--count', '2', '--json']);
  assert.equal(listed.status, 0, listed.stderr);
  const { questions, origin } = JSON.parse(listed.stdout) as { questions: { text: string; category: string }[]; origin: string };
  assert.equal(origin, 'bank');

  const run = runPersonaBuilding(home, ['interview', '--persona', 'asha', '--count', '2'], { input: 'Filter coffee, strong — always.  \n\n' });
  assert.equal(run.status, 0, run.stderr);
  assert.ok(run.stdout.includes(questions[0]!.text));
  assert.match(run.stdout, /1 answer stored for asha, 1 skipped/);
  assert.deepEqual(storedInterviews().map(({ question, answer, via, category }) => ({ question, answer, via, category })), [
    { question: questions[0]!.text, answer: 'Filter coffee, strong — always.  ', via: 'typed', category: questions[0]!.category },
  ]);

  const next = JSON.parse(runPersonaBuilding(home, ['interview', 'questions', '--persona', 'asha', '--count', '200', '--json']).stdout) as { questions: { text: string }[] };
  assert.ok(!next.questions.some((question) => question.text === questions[0]!.text));
  assert.ok(next.questions.some((question) => question.text === questions[1]!.text));
});

test('with no terminal and no answers piped in it says so and exits 1', { timeout: 60_000 }, () => {
  const run = runPersonaBuilding(home, ['interview', '--persona', 'asha']);
  assert.equal(run.status, 1);
  assert.match(run.stderr, /stdin is not a terminal and no answers were piped in/);
});

test('--voice: the path of a recording is transcribed and stored as spoken', { timeout: 90_000 }, () => {
  const recording = path.join(home, 'answer.wav');
  const spoken = spawnSync('espeak-ng', ['-w', recording, 'I grew up near the sea and I loved the rain']);
  assert.equal(spoken.status, 0, String(spoken.stderr));
  const run = runPersonaBuilding(home, ['interview', '--persona', 'asha', '--count', '1', '--voice'], { input: `${recording}\n` });
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /\(heard: .+\)/);
  const last = storedInterviews().at(-1)!;
  assert.equal(last.via, 'spoken');
  assert.ok(last.answer.trim().length > 0);
  assert.notEqual(last.answer, recording);
});

test('interview import reads a file whatever it is called; a bad one is named', { timeout: 60_000 }, () => {
  const run = runPersonaBuilding(home, ['interview', 'import', path.resolve('examples/meera-krishnan/interviews/childhood.interview.md'), '--persona', 'asha', '--json']);
  assert.equal(run.status, 0, run.stderr);
  const summary = JSON.parse(run.stdout) as { answers: number; added: number };
  assert.ok(summary.answers > 0);
  assert.equal(summary.added, summary.answers);
  assert.ok(storedInterviews().some((row) => row.via === 'imported' && row.category === 'memories'));

  const missing = runPersonaBuilding(home, ['interview', 'import', path.join(home, 'nothing.json'), '--persona', 'asha']);
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /nothing\.json: no such file/);
});
