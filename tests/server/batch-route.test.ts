/**
 * The batch API over real HTTP on the real embedded engines: submit, poll to done, download
 * the zip; bad requests; a job that survives a restart of the server.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { BatchItemResult } from '../../src/batch/batch-item.js';
import { findBatchJob } from '../../src/batch/batch-job-store.js';
import { buildApp } from '../../src/server/app.js';
import { createApiKey } from '../../src/store/api-key-repository.js';
import { openStore, type Store } from '../../src/store/store.js';
import { openPersonaRuntime, type PersonaRuntime } from '../../src/voice/persona-runtime.js';
import { ingestSamplePersona } from '../helpers/sample-persona.js';
import { temporaryFolder } from '../helpers/temporary-folder.js';
import { testConfig } from '../helpers/test-config.js';
import { decodedSeconds } from '../batch/decoded-seconds.js';

interface Server {
  url: string;
  store: Store;
  runtime: PersonaRuntime;
  app: FastifyInstance;
  close(): Promise<void>;
}

/** A server over `home`: the app's own batch routes and in-process queue. */
async function startServer(home: string): Promise<Server> {
  const config = testConfig(home, { PERSONA_VOICES: path.join(home, 'voices') });
  const store = openStore(config);
  const runtime = await openPersonaRuntime(config, { store });
  const app = await buildApp({ runtime });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    store,
    runtime,
    app,
    async close() {
      await app.close();
      await runtime.close();
      store.close();
    },
  };
}

async function prepareHome(home: string): Promise<{ key: string }> {
  const store = openStore(testConfig(home));
  try {
    await ingestSamplePersona(store);
    return { key: createApiKey(store.database, { name: 'test' }).key };
  } finally {
    store.close();
  }
}

interface JobView {
  id: string;
  status: string;
  progress: { done: number; failed: number; total: number };
  items: BatchItemResult[];
  createdAt: string;
  finishedAt?: string;
}

async function poll(server: Server, key: string, id: string, until: (job: JobView) => boolean): Promise<JobView> {
  for (;;) {
    const response = await fetch(`${server.url}/v1/batch/${id}`, { headers: { authorization: `Bearer ${key}` } });
    assert.equal(response.status, 200);
    const job = (await response.json()) as JobView;
    if (until(job)) return job;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function post(server: Server, key: string, body: unknown): Promise<Response> {
  return fetch(`${server.url}/v1/batch`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

test('POST /v1/batch, poll to done, download the zip of the answers and the index', async (context) => {
  const home = temporaryFolder(context);
  const { key } = await prepareHome(home);
  const server = await startServer(home);
  context.after(() => server.close());

  const bad = await post(server, key, { questions: ['Hello?', '', 42], format: 'flac' });
  assert.equal(bad.status, 400);
  assert.match(((await bad.json()) as { error: { message: string } }).error.message, /format: mp3, wav or ogg/);
  const empty = await post(server, key, { questions: ['Hello?', '   '] });
  assert.equal(empty.status, 400);
  assert.match(((await empty.json()) as { error: { message: string } }).error.message, /questions\.1: the question is empty/);
  const unknown = await post(server, key, { questions: ['Hello?'], persona: 'nobody' });
  assert.equal(unknown.status, 404);
  assert.equal((await fetch(`${server.url}/v1/batch/nope`, { headers: { authorization: `Bearer ${key}` } })).status, 404);

  const submitted = await post(server, key, { questions: ['What do you drink in the morning?', { question: 'Where did you grow up?', id: 'home' }], persona: 'meera', format: 'mp3' });
  assert.equal(submitted.status, 202);
  const { id, status } = (await submitted.json()) as { id: string; status: string };
  assert.equal(status, 'queued');

  const job = await poll(server, key, id, (view) => view.status === 'done');
  assert.deepEqual(job.progress, { done: 2, failed: 0, total: 2 });
  assert.deepEqual(job.items.map((item) => [item.status, item.audioFile]), [
    ['done', `0001-${job.items[0]!.id}.mp3`],
    ['done', '0002-home.mp3'],
  ]);
  assert.ok(job.finishedAt && job.finishedAt >= job.createdAt);

  const archive = await fetch(`${server.url}/v1/batch/${id}/archive`, { headers: { authorization: `Bearer ${key}` } });
  assert.equal(archive.status, 200);
  assert.equal(archive.headers.get('content-type'), 'application/zip');
  const zipFile = path.join(home, 'answers.zip');
  writeFileSync(zipFile, new Uint8Array(await archive.arrayBuffer()));
  const unzipped = path.join(home, 'unzipped');
  mkdirSync(unzipped);
  // Python's zipfile is an independent reader of what yazl wrote.
  const extract = spawnSync('python3', ['-m', 'zipfile', '-e', zipFile, unzipped], { encoding: 'utf8' });
  assert.equal(extract.status, 0, extract.stderr);
  assert.deepEqual(readdirSync(unzipped).sort(), ['0001-' + job.items[0]!.id + '.mp3', '0002-home.mp3', 'index.jsonl'].sort());
  for (const item of job.items) assert.ok(Math.abs(decodedSeconds(path.join(unzipped, item.audioFile!)) - item.audioSeconds!) < 0.2);

  const cancelDone = await fetch(`${server.url}/v1/batch/${id}`, { method: 'DELETE', headers: { authorization: `Bearer ${key}` } });
  assert.equal(cancelDone.status, 409, 'a finished batch cannot be cancelled');
});

test('a batch survives a server restart mid-job and finishes without redoing finished items; DELETE cancels', async (context) => {
  const home = temporaryFolder(context);
  const { key } = await prepareHome(home);
  let server = await startServer(home);
  context.after(() => server.close().catch(() => undefined));

  const questions = ['What do you drink in the morning?', 'Where did you grow up?', 'How do you handle a deadline?', 'What do you do on weekends?', 'What was your first bridge?'];
  const submitted = await post(server, key, { questions, persona: 'meera', format: 'wav' });
  assert.equal(submitted.status, 202);
  const { id } = (await submitted.json()) as { id: string };
  const partial = await poll(server, key, id, (view) => view.progress.done >= 1);
  assert.ok(partial.progress.done < questions.length, 'the job is still going when the server stops');
  await server.close();
  const stopped = openStore(testConfig(home));
  const row = findBatchJob(stopped.database, id);
  stopped.close();
  assert.ok(row && ['running', 'queued'].includes(row.status), `left ${row?.status}, to resume`);
  assert.deepEqual(
    readdirSync(path.join(home, 'batches', id)).filter((file) => file.startsWith('.')),
    [],
    'the interrupted item left no temporary file',
  );

  server = await startServer(home);
  const finished = await poll(server, key, id, (view) => view.status === 'done');
  assert.deepEqual(finished.progress, { done: 5, failed: 0, total: 5 });
  for (const before of partial.items) {
    const after = finished.items.find((item) => item.id === before.id);
    assert.equal(after?.finishedAt, before.finishedAt, `item ${before.index + 1} was not redone`);
  }

  const second = (await (await post(server, key, { questions: questions.slice(0, 3), persona: 'meera' })).json()) as { id: string };
  const cancelled = await fetch(`${server.url}/v1/batch/${second.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${key}` } });
  assert.equal(cancelled.status, 200);
  const view = await poll(server, key, second.id, () => true);
  assert.equal(view.status, 'cancelled');
});
