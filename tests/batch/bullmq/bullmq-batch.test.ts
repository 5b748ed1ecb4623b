/**
 * The BullMQ path against a real Redis (Debian's redis-server): the server-side queue in this
 * process, workers on their own homes (as on other machines) running the real processBatchItem
 * (recall engine, flite, the WAV encoder). Each item is processed once, a worker killed mid-item
 * leaves the item to another, a bad item fails alone, and the outputs reach the server's folder.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { BatchItemResult, BatchOptions, BatchQuestion } from '../../../src/batch/batch-item.js';
import { createBullmqBatchQueue, type BullmqBatchProgress, type StoredBatch } from '../../../src/batch/bullmq/bullmq-batch-queue.js';
import { createBullmqBatchWorker, type BullmqBatchWorker, type ProcessItem } from '../../../src/batch/bullmq/bullmq-batch-worker.js';
import { checkRedisReachable } from '../../../src/batch/bullmq/redis-url.js';
import { processBatchItem } from '../../../src/batch/process-item.js';
import { questionId } from '../../../src/batch/question-id.js';
import { readWav } from '../../../src/stt/vad/read-wav.js';
import { PersonaError } from '../../../src/errors.js';
import { openStore } from '../../../src/store/store.js';
import { openPersonaRuntime, type PersonaRuntime } from '../../../src/voice/persona-runtime.js';
import { startRedisServer, type TestRedis } from '../../helpers/redis-server.js';
import { ingestSamplePersona } from '../../helpers/sample-persona.js';
import { testConfig } from '../../helpers/test-config.js';

const workerEntry = path.resolve('tests/batch/bullmq/bullmq-worker-entry.ts');
const options: BatchOptions = { persona: 'meera', format: 'wav', video: false };

let redis: TestRedis;
let root: string;
/** A home with the sample persona ingested; every worker gets a copy, as a GPU box would have its own. */
let templateHome: string;

before(async () => {
  redis = await startRedisServer();
  root = mkdtempSync(path.join(os.tmpdir(), 'persona-bullmq-'));
  templateHome = path.join(root, 'template');
  const store = openStore(testConfig(templateHome));
  try {
    await ingestSamplePersona(store);
  } finally {
    store.close();
  }
});
after(async () => {
  await redis?.stop();
  if (root) rmSync(root, { recursive: true, force: true });
});

function homeCopy(name: string): string {
  const home = path.join(root, name);
  cpSync(templateHome, home, { recursive: true });
  return home;
}

function makeQuestions(texts: readonly string[], overrides: Partial<BatchQuestion>[] = []): BatchQuestion[] {
  return texts.map((question, index) => ({ index, id: questionId(question), question, ...overrides[index] }));
}

/** The server side: the queue over batches kept in a map, with a promise per batch that settles when it finishes. */
async function startServerSide(prefix: string, batches: Map<string, StoredBatch>) {
  const finished = new Map<string, { promise: Promise<BullmqBatchProgress>; resolve: (progress: BullmqBatchProgress) => void }>();
  const finishing = (batchId: string) => {
    let entry = finished.get(batchId);
    if (!entry) {
      let resolve!: (progress: BullmqBatchProgress) => void;
      const promise = new Promise<BullmqBatchProgress>((settle) => (resolve = settle));
      entry = { promise, resolve };
      finished.set(batchId, entry);
    }
    return entry;
  };
  const queue = await createBullmqBatchQueue({
    redisUrl: redis.url,
    prefix,
    loadBatch: (batchId) => batches.get(batchId),
    onProgress: (batchId, progress) => {
      if (progress.finished) finishing(batchId).resolve(progress);
    },
  });
  return { queue, whenFinished: (batchId: string) => finishing(batchId).promise };
}

function readIndexLines(outFolder: string): BatchItemResult[] {
  return readFileSync(path.join(outFolder, 'index.jsonl'), 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as BatchItemResult);
}

function countBy(values: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return counts;
}

async function assertDecodableWav(file: string): Promise<void> {
  const { samples, sampleRate } = readWav(readFileSync(file), file);
  assert.ok(sampleRate > 0 && samples.length > sampleRate / 10, `${file} holds audio`);
}

test('two workers process every item exactly once; a bad item fails and the rest succeed', async (context) => {
  const batches = new Map<string, StoredBatch>();
  const server = await startServerSide('two-workers', batches);
  context.after(() => server.queue.close());
  const calls: string[] = [];
  const runtimes: PersonaRuntime[] = [];
  const workers: BullmqBatchWorker[] = [];
  for (const name of ['worker-a', 'worker-b']) {
    const runtime = await openPersonaRuntime(testConfig(homeCopy(name)));
    runtimes.push(runtime);
    const counting: ProcessItem = (itemRuntime, question, itemOptions, outFolder, signal) => {
      calls.push(question.id);
      return processBatchItem(itemRuntime, question, itemOptions, outFolder, signal);
    };
    workers.push(await createBullmqBatchWorker({ redisUrl: redis.url, runtime, prefix: 'two-workers', processItem: counting }));
  }
  context.after(async () => {
    await Promise.all(workers.map((worker) => worker.close()));
    await Promise.all(runtimes.map((runtime) => runtime.close()));
  });

  const questions = makeQuestions(
    ['Where did you grow up?', 'What was your first job?', 'How do you plan a bridge inspection?', 'What do you do on weekends?', 'Who taught you the most?', 'What is your favourite book?'],
    [{}, {}, { persona: 'nobody' }],
  );
  const outFolder = path.join(root, 'out-two-workers');
  batches.set('batch1', { questions, options, outFolder });
  await server.queue.enqueue('batch1');
  // A second enqueue (a client retrying, a server restart) must not add the items again.
  await server.queue.enqueue('batch1');
  const progress = await server.whenFinished('batch1');

  assert.deepEqual({ total: progress.total, done: progress.done, failed: progress.failed }, { total: 6, done: 5, failed: 1 });
  assert.deepEqual(
    [...countBy(calls).entries()].sort(),
    questions.map((question) => [question.id, 1]).sort(),
    'each item was processed by exactly one worker, once',
  );
  const lines = readIndexLines(outFolder);
  assert.deepEqual(
    lines.map((line) => line.id),
    questions.map((question) => question.id),
    'the index has each item once, in question order',
  );
  const bad = lines.find((line) => line.id === questions[2]!.id)!;
  assert.equal(bad.status, 'failed');
  assert.match(bad.error ?? '', /nobody/, 'the failure names the unknown persona');
  for (const line of lines.filter((result) => result.id !== bad.id)) {
    assert.equal(line.status, 'done', `${line.id}: ${line.error}`);
    assert.ok(line.audioFile && line.answer);
    await assertDecodableWav(path.join(outFolder, line.audioFile));
  }
  assert.deepEqual(
    readdirSync(outFolder).filter((name) => name.endsWith('.tmp')),
    [],
    'no temporary file is left',
  );
});

test('a worker killed mid-item leaves the item to the other worker, and the index has it once', async (context) => {
  const batches = new Map<string, StoredBatch>();
  const prefix = 'killed-worker';
  const server = await startServerSide(prefix, batches);
  context.after(() => server.queue.close());
  const callsLog = path.join(root, 'calls-killed.log');
  writeFileSync(callsLog, '');
  const questions = makeQuestions(['Where did you grow up?', 'What was your first job?', 'What do you do on weekends?', 'Who taught you the most?']);
  const doomed = questions[0]!.id;
  const children: ChildProcess[] = [];
  context.after(() => children.forEach((child) => child.exitCode === null && child.kill('SIGKILL')));
  const startWorker = async (name: string, environment: Record<string, string> = {}): Promise<ChildProcess> => {
    const child = spawn(process.execPath, ['--import', 'tsx', workerEntry], {
      env: { ...process.env, PERSONA_HOME: homeCopy(name), REDIS_URL: redis.url, REDIS_PREFIX: prefix, CALLS_LOG: callsLog, ...environment },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.push(child);
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (data: Buffer) => data.toString().includes('ready') && resolve());
      child.once('exit', (code) => reject(new Error(`worker ${name} exited with ${code} before it was ready`)));
    });
    return child;
  };

  const first = await startWorker('killed-a', { HANG_ON_ITEM: doomed });
  const outFolder = path.join(root, 'out-killed');
  batches.set('batch2', { questions, options, outFolder });
  await server.queue.enqueue('batch2');
  // The first worker takes the doomed item first (it is first in the queue) and hangs on it.
  await waitFor(() => readFileSync(callsLog, 'utf8').includes(doomed));
  first.kill('SIGKILL');
  await new Promise((resolve) => first.once('exit', resolve));
  const second = await startWorker('killed-b');
  const progress = await server.whenFinished('batch2');
  second.kill('SIGTERM');
  await new Promise((resolve) => second.once('exit', resolve));

  assert.deepEqual({ done: progress.done, failed: progress.failed }, { done: 4, failed: 0 });
  const calls = readFileSync(callsLog, 'utf8').trim().split('\n').map((line) => line.split(' ') as [string, string]);
  const doomedCalls = calls.filter(([id]) => id === doomed);
  assert.equal(doomedCalls.length, 2, 'the killed item ran again');
  assert.notEqual(doomedCalls[0]![1], doomedCalls[1]![1], 'on the other worker');
  const counts = countBy(calls.map(([id]) => id));
  for (const question of questions.slice(1)) assert.equal(counts.get(question.id), 1, `${question.id} ran once`);
  const lines = readIndexLines(outFolder);
  assert.deepEqual(
    lines.map((line) => [line.id, line.status]),
    questions.map((question) => [question.id, 'done']),
  );
  for (const line of lines) await assertDecodableWav(path.join(outFolder, line.audioFile!));
  assert.ok(!readdirSync(outFolder).some((name) => name.endsWith('.tmp')));
});

test('an unreachable Redis is a clear, retryable error naming the URL', async () => {
  const url = `redis://:secret@127.0.0.1:${redis.port + 1}`;
  await assert.rejects(checkRedisReachable(url, { timeoutMs: 2000 }), (error: unknown) => {
    assert.ok(error instanceof PersonaError);
    assert.equal(error.code, 'service-unavailable');
    assert.equal(error.retryable, true);
    assert.match(error.message, new RegExp(`redis://:\\*\\*\\*@127\\.0\\.0\\.1:${redis.port + 1}`));
    assert.doesNotMatch(error.message, /secret/);
    return true;
  });
  await checkRedisReachable(redis.url);
});

const workerCli = path.resolve('tests/batch/bullmq/persona-worker-cli.ts');

function runWorkerCli(home: string, environment: Record<string, string | undefined>): ChildProcess {
  const env: Record<string, string | undefined> = { ...process.env, PERSONA_HOME: home, ...environment };
  if (environment.REDIS_URL === undefined) delete env.REDIS_URL;
  return spawn(process.execPath, ['--import', 'tsx', workerCli, 'worker'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
}

async function finished(child: ChildProcess): Promise<{ code: number | null; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (data: Buffer) => (stdout += data.toString()));
  child.stderr!.on('data', (data: Buffer) => (stderr += data.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { code, stdout, stderr };
}

test('persona worker: a clear error without REDIS_URL or with Redis down; SIGINT stops it cleanly', async () => {
  const home = homeCopy('cli-worker');
  const missing = await finished(runWorkerCli(home, { REDIS_URL: undefined }));
  assert.equal(missing.code, 78);
  assert.match(missing.stderr, /REDIS_URL is not set/);

  const downUrl = `redis://127.0.0.1:${redis.port + 1}`;
  const down = await finished(runWorkerCli(home, { REDIS_URL: downUrl }));
  assert.equal(down.code, 1);
  assert.match(down.stderr, new RegExp(`Redis at ${downUrl.replace(/\./g, '\\.')} \\(REDIS_URL\\) is unreachable`));

  const child = runWorkerCli(home, { REDIS_URL: redis.url });
  const outcome = finished(child);
  await new Promise<void>((resolve) => child.stdout!.on('data', (data: Buffer) => data.toString().includes('taking batch items') && resolve()));
  child.kill('SIGINT');
  const stopped = await outcome;
  assert.equal(stopped.code, 0, stopped.stderr);
  assert.match(stopped.stdout, /persona worker: stopped/);
});

async function waitFor(condition: () => boolean): Promise<void> {
  for (let attempt = 0; attempt < 600; attempt++) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('the condition never held');
}
