/**
 * A batch on the real embedded engines (recall + flite over the sample persona): every answer
 * decodes, the index is complete, an interrupted run resumes without redoing finished items
 * and leaves no partial file, and a failing item is recorded while the rest succeed.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { BatchItemResult, BatchQuestion } from '../../src/batch/batch-item.js';
import { checkQuestions } from '../../src/batch/read-questions.js';
import { runBatch } from '../../src/batch/run-batch.js';
import { openStore, type Store } from '../../src/store/store.js';
import { openPersonaRuntime, type PersonaRuntime } from '../../src/voice/persona-runtime.js';
import { ingestSamplePersona } from '../helpers/sample-persona.js';
import { makeTemporaryFolder } from '../helpers/temporary-folder-per-file.js';
import { testConfig } from '../helpers/test-config.js';
import { decodedSeconds } from './decoded-seconds.js';

const asked = [
  'What do you drink in the morning?',
  'Where did you grow up?',
  'How do you handle a deadline?',
  'What was your first bridge?',
  'What do you do on weekends?',
];

function questionsOf(texts: readonly (string | { question: string; persona?: string })[]): BatchQuestion[] {
  const { questions, problems } = checkQuestions(texts.map((entry, index) => ({ line: index + 1, input: typeof entry === 'string' ? { question: entry } : entry })));
  assert.deepEqual(problems, []);
  return questions;
}

function indexLines(folder: string): BatchItemResult[] {
  return readFileSync(path.join(folder, 'index.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as BatchItemResult);
}

describe('runBatch', () => {
  const home = makeTemporaryFolder('run-batch');
  let store: Store;
  let runtime: PersonaRuntime;

  before(async () => {
    const config = testConfig(home, { PERSONA_VOICES: path.join(home, 'voices') });
    store = openStore(config);
    await ingestSamplePersona(store);
    runtime = await openPersonaRuntime(config, { store });
  });
  after(async () => {
    await runtime?.close();
    store?.close();
  });

  test('--video adds an MP4 of the talking head whose audio is as long as the answer', async () => {
    const out = path.join(home, 'video');
    const summary = await runBatch({ runtime, questions: questionsOf(['Filter coffee or tea?']), options: { persona: 'meera', format: 'wav', video: true }, outFolder: out });
    assert.equal(summary.done, 1);
    const result = indexLines(out)[0]!;
    assert.ok(result.videoFile?.endsWith('.mp4'), 'the index names the video');
    const audioSeconds = decodedSeconds(path.join(out, result.audioFile!));
    const videoSeconds = decodedSeconds(path.join(out, result.videoFile!));
    assert.ok(Math.abs(videoSeconds - audioSeconds) < 0.1, `video ${videoSeconds} s, audio ${audioSeconds} s`);
  });

  test('5 questions give 5 decodable audio files and a complete index', async () => {
    const out = path.join(home, 'five');
    const questions = questionsOf(asked);
    const seen: number[] = [];
    const summary = await runBatch({ runtime, questions, options: { persona: 'meera', format: 'mp3', video: false }, outFolder: out, concurrency: 2, onProgress: (progress) => seen.push(progress.done) });
    assert.equal(summary.done, 5);
    assert.equal(summary.failed, 0);
    assert.equal(summary.skipped, 0);
    assert.ok(summary.answersPerMinute > 0);
    assert.deepEqual(seen.at(-1), 5, 'the last progress report counts every item');

    const lines = indexLines(out);
    assert.deepEqual(lines.map((line) => line.question), asked, 'one line per question, in question order');
    for (const [position, line] of lines.entries()) {
      assert.equal(line.status, 'done', line.error);
      assert.equal(line.index, position);
      assert.equal(line.audioFile, `000${position + 1}-${questions[position]!.id}.mp3`);
      assert.ok(line.answer && line.answer.length > 0);
      assert.ok(Array.isArray(line.sources));
      assert.deepEqual(line.engine, { llm: 'recall', tts: 'flite' });
      assert.ok(line.timings && line.timings.totalMs >= line.timings.speechMs && line.timings.speechMs > 0);
      const seconds = decodedSeconds(path.join(out, line.audioFile!));
      assert.ok(Math.abs(seconds - line.audioSeconds!) < 0.2, `${line.audioFile}: decoded ${seconds} s, index says ${line.audioSeconds} s`);
    }
    assert.ok(Math.abs(summary.audioSeconds - lines.reduce((sum, line) => sum + line.audioSeconds!, 0)) < 0.01);
    assert.deepEqual(readdirSync(out).sort(), ['index.jsonl', ...lines.map((line) => line.audioFile!)].sort(), 'nothing else is left in the folder');
  });

  test('a run interrupted after 2 items leaves no partial file, and a rerun finishes the rest without redoing them', async () => {
    const out = path.join(home, 'resumed');
    const questions = questionsOf(asked);
    const options = { persona: 'meera', format: 'wav', video: false } as const;
    const controller = new AbortController();
    const first = await runBatch({
      runtime,
      questions,
      options,
      outFolder: out,
      concurrency: 1,
      signal: controller.signal,
      onProgress: (progress) => {
        // The third item is already taken when this runs: it is interrupted mid-way.
        if (progress.done === 2) setImmediate(() => controller.abort(new Error('stop')));
      },
    });
    assert.equal(first.done, 2);
    assert.equal(first.stopped, true);
    const afterStop = readdirSync(out).sort();
    assert.deepEqual(afterStop, ['0001-' + questions[0]!.id + '.wav', '0002-' + questions[1]!.id + '.wav', 'index.jsonl'].sort(), 'no partial or temporary file');
    const finishedFirst = indexLines(out);
    assert.equal(finishedFirst.length, 2);
    const modified = finishedFirst.map((line) => statSync(path.join(out, line.audioFile!)).mtimeMs);

    const second = await runBatch({ runtime, questions, options, outFolder: out, concurrency: 2 });
    assert.equal(second.skipped, 2);
    assert.equal(second.done, 5);
    assert.ok(second.answersPerMinute > 0);
    const lines = indexLines(out);
    assert.equal(lines.length, 5);
    assert.ok(lines.every((line) => line.status === 'done'));
    assert.deepEqual(lines.slice(0, 2), finishedFirst, 'finished items keep their first result');
    assert.deepEqual(
      lines.slice(0, 2).map((line) => statSync(path.join(out, line.audioFile!)).mtimeMs),
      modified,
      'finished files are not rewritten',
    );
    for (const line of lines) assert.ok(decodedSeconds(path.join(out, line.audioFile!)) > 0.5);
  });

  test('a failing item is recorded with its reason and the rest succeed; a rerun retries only it', async () => {
    const out = path.join(home, 'failing');
    const questions = questionsOf(['What do you drink in the morning?', { question: 'Who are you?', persona: 'nobody' }, 'Where did you grow up?']);
    const options = { persona: 'meera', format: 'wav', video: false } as const;
    const first = await runBatch({ runtime, questions, options, outFolder: out });
    assert.equal(first.done, 2);
    assert.equal(first.failed, 1);
    const lines = indexLines(out);
    assert.deepEqual(lines.map((line) => line.status), ['done', 'failed', 'done']);
    assert.match(lines[1]!.error!, /Unknown persona "nobody"/);
    assert.equal(lines[1]!.audioFile, undefined);

    const second = await runBatch({ runtime, questions, options, outFolder: out });
    assert.equal(second.skipped, 2);
    assert.equal(second.failed, 1, 'the failed item ran again (and failed again)');
    assert.equal(indexLines(out).length, 3, 'the index keeps one line per question');
  });

  test('an out folder that is a file is an error naming it', async () => {
    const file = path.join(home, 'five', 'index.jsonl');
    await assert.rejects(
      runBatch({ runtime, questions: questionsOf(['Hello?']), options: { persona: 'meera', format: 'wav', video: false }, outFolder: file }),
      /index\.jsonl: the out folder is a file, not a folder/,
    );
  });
});
