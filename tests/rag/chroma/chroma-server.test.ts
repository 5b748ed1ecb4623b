/**
 * The embedded Chroma server against the real `chroma` CLI: start, heartbeat, restart
 * after a kill, persistence across servers, giving up, and a clean close.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startChromaServer, type ChromaServerEvent } from '../../../src/rag/chroma/chroma-server.js';
import { HEARTBEAT_ROUTE } from '../../../src/rag/chroma/heartbeat.js';
import { createChromaVectorStore } from '../../../src/rag/chroma/chroma-vector-store.js';
import { findFreePort } from '../../../src/rag/chroma/free-port.js';
import { VectorStoreError } from '../../../src/rag/chroma/vector-store-error.js';
import { temporaryFolder } from '../../helpers/temporary-folder.js';
import { isProcessAlive, processesMentioning, residentMemoryMib } from './process-alive.js';
import { randomVectors } from './seeded-vectors.js';

async function waitUntil(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

test('starts on a free port and answers the heartbeat; close is idempotent and leaves no process', async (context) => {
  const dataFolder = temporaryFolder(context, 'persona-chroma-');
  const lines: string[] = [];
  const server = await startChromaServer({ dataFolder, log: (line) => lines.push(line) });
  const pid = server.pid;
  assert.ok(pid !== undefined && isProcessAlive(pid));
  assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.equal(server.state, 'running');
  const response = await fetch(server.url + HEARTBEAT_ROUTE);
  assert.equal(response.status, 200);
  assert.ok('nanosecond heartbeat' in ((await response.json()) as object));
  assert.ok(lines.some((line) => line.includes('started pid')), lines.join('\n'));
  console.log(`chroma server: started in ${server.startupMs.toFixed(0)} ms, RSS ${(await residentMemoryMib(pid))?.toFixed(1)} MiB (pid ${pid})`);

  await Promise.all([server.close(), server.close()]);
  await server.close();
  assert.equal(server.state, 'closed');
  assert.equal(server.pid, undefined);
  assert.equal(isProcessAlive(pid), false, `chroma pid ${pid} still runs after close()`);
  assert.deepEqual(await processesMentioning(dataFolder), []);
  await assert.rejects(server.ready(), (error: unknown) => error instanceof VectorStoreError && error.kind === 'closed');
});

test('survives a SIGKILL: the manager restarts it on the same port and the data is still there', async (context) => {
  const dataFolder = temporaryFolder(context, 'persona-chroma-');
  const events: ChromaServerEvent[] = [];
  await using server = await startChromaServer({ dataFolder, onEvent: (event) => events.push(event) });
  const store = createChromaVectorStore({ url: server.url, waitForServer: (signal) => server.ready(signal ? { signal } : {}) });
  const collection = await store.collection('survives-kill', 8);
  const vectors = randomVectors(50, 8, 7);
  await collection.upsert(vectors.map((vector, index) => ({ id: `r${index}`, vector, metadata: { index } })));

  const firstPid = server.pid;
  assert.ok(firstPid !== undefined);
  const url = server.url;
  process.kill(firstPid, 'SIGKILL');
  await waitUntil(() => events.some((event) => event.type === 'exited'), 5_000, 'the exit to be noticed');
  assert.notEqual(server.state, 'running');
  await server.ready();

  assert.equal(server.restarts, 1);
  assert.equal(server.url, url);
  assert.ok(server.pid !== undefined && server.pid !== firstPid);
  assert.equal(isProcessAlive(firstPid), false);
  const exited = events.find((event) => event.type === 'exited');
  assert.deepEqual(exited && { signal: exited.signal, expected: exited.expected }, { signal: 'SIGKILL', expected: false });
  assert.ok(events.some((event) => event.type === 'started' && event.restart));
  assert.equal(await collection.count(), 50);
  const [best] = await collection.query(vectors[3] ?? new Float32Array(8), { k: 1 });
  assert.equal(best?.id, 'r3');
});

test('a request made while the server is down waits for the restart instead of failing', async (context) => {
  const dataFolder = temporaryFolder(context, 'persona-chroma-');
  await using server = await startChromaServer({ dataFolder });
  const store = createChromaVectorStore({ url: server.url, waitForServer: (signal) => server.ready(signal ? { signal } : {}) });
  const collection = await store.collection('during-restart', 4);
  await collection.upsert([{ id: 'a', vector: Float32Array.of(1, 0, 0, 0), metadata: {} }]);
  process.kill(server.pid ?? -1, 'SIGKILL');
  // No wait here: the first attempt meets a dead server.
  assert.equal(await collection.count(), 1);
  assert.equal(server.restarts, 1);
});

test('persists across servers: close, start again on the same folder, the records are there', async (context) => {
  const dataFolder = temporaryFolder(context, 'persona-chroma-');
  const vectors = randomVectors(30, 12, 11);
  {
    await using server = await startChromaServer({ dataFolder });
    const collection = await createChromaVectorStore({ url: server.url }).collection('persists', 12);
    await collection.upsert(vectors.map((vector, index) => ({ id: `p${index}`, vector, metadata: { kind: index % 2 ? 'odd' : 'even' } })));
  }
  await using server = await startChromaServer({ dataFolder });
  const collection = await createChromaVectorStore({ url: server.url }).collection('persists', 12);
  assert.equal(await collection.count(), 30);
  const [best] = await collection.query(vectors[17] ?? new Float32Array(12), { k: 1 });
  assert.deepEqual(best && { id: best.id, kind: best.metadata['kind'] }, { id: 'p17', kind: 'odd' });
});

test('a port that is taken is refused with a clear error', async (context) => {
  const dataFolder = temporaryFolder(context, 'persona-chroma-');
  const port = await findFreePort();
  const blocker = net.createServer();
  await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
  context.after(() => blocker.close());
  await assert.rejects(
    startChromaServer({ dataFolder, port }),
    (error: unknown) => error instanceof VectorStoreError && error.kind === 'server-start' && error.message.includes(`127.0.0.1:${port}`),
  );
});

test('gives up after repeated quick failures, with a clear error', async (context) => {
  const dataFolder = temporaryFolder(context, 'persona-chroma-');
  const events: ChromaServerEvent[] = [];
  const blocker = net.createServer();
  context.after(() => blocker.close());
  await using server = await startChromaServer({
    dataFolder,
    maxRapidFailures: 2,
    onEvent: (event) => {
      events.push(event);
      // Someone else takes the port the moment the server dies, so every restart fails.
      if (event.type === 'exited') blocker.listen(server.port, '127.0.0.1');
    },
  });
  process.kill(server.pid ?? -1, 'SIGKILL');
  await waitUntil(() => events.some((event) => event.type === 'exited'), 5_000, 'the exit to be noticed');
  await assert.rejects(server.ready(), (error: unknown) => {
    assert.ok(error instanceof VectorStoreError);
    assert.equal(error.kind, 'server-failed');
    assert.match(error.message, /gave up restarting/);
    assert.match(error.message, /port is taken/);
    return true;
  });
  assert.equal(server.state, 'failed');
  assert.deepEqual(
    events.filter((event) => event.type === 'restarting').map((event) => event.type === 'restarting' && event.delayMs),
    [200, 400],
  );
  assert.ok(events.some((event) => event.type === 'failed'));
});

test('an aborted start leaves no process behind', async (context) => {
  const dataFolder = temporaryFolder(context, 'persona-chroma-');
  const controller = new AbortController();
  const starting = startChromaServer({ dataFolder, signal: controller.signal });
  setTimeout(() => controller.abort(new Error('stop')), 50);
  await assert.rejects(starting, /stop/);
  assert.deepEqual(await processesMentioning(dataFolder), []);
});

for (const ending of ['is killed with SIGKILL', 'exits without closing it'] as const) {
  test(`the server never outlives its parent: the parent ${ending}`, async (context) => {
    const dataFolder = temporaryFolder(context, 'persona-chroma-');
    const script = fileURLToPath(new URL('./start-server-and-wait.ts', import.meta.url));
    const parent = spawn(process.execPath, ['--import', 'tsx', script, dataFolder, ending === 'exits without closing it' ? 'exit' : 'wait'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const [firstLine] = (await once(createInterface({ input: parent.stdout }), 'line')) as [string];
    const { pid, url } = JSON.parse(firstLine) as { pid: number; url: string };
    assert.ok(isProcessAlive(pid));
    if (ending === 'is killed with SIGKILL') parent.kill('SIGKILL');
    await once(parent, 'close');
    await waitUntil(() => !isProcessAlive(pid), 5_000, `chroma pid ${pid} to end with its parent`);
    await assert.rejects(fetch(url + HEARTBEAT_ROUTE));
  });
}

test('close() during a restart stops it for good', async (context) => {
  const dataFolder = temporaryFolder(context, 'persona-chroma-');
  const events: ChromaServerEvent[] = [];
  const server = await startChromaServer({ dataFolder, onEvent: (event) => events.push(event) });
  process.kill(server.pid ?? -1, 'SIGKILL');
  await waitUntil(() => events.some((event) => event.type === 'restarting'), 5_000, 'the restart to begin');
  const waiting = server.ready();
  await server.close();
  await assert.rejects(waiting, (error: unknown) => error instanceof VectorStoreError && error.kind === 'closed');
  await new Promise((resolve) => setTimeout(resolve, 500));
  assert.equal(server.state, 'closed');
  assert.equal(server.restarts, 0);
  assert.deepEqual(await processesMentioning(dataFolder), []);
});

test('a server that cannot start is a clear error carrying its own message', async (context) => {
  const dataFolder = temporaryFolder(context, 'persona-chroma-');
  writeFileSync(path.join(dataFolder, 'chroma.sqlite3'), Buffer.alloc(8192, 7));
  await assert.rejects(startChromaServer({ dataFolder }), (error: unknown) => {
    assert.ok(error instanceof VectorStoreError);
    assert.equal(error.kind, 'server-start');
    assert.match(error.message, /exited before answering \/api\/v2\/heartbeat/);
    assert.match(error.message, /file is not a database/);
    assert.ok(error.message.includes(dataFolder));
    return true;
  });
  assert.deepEqual(await processesMentioning(dataFolder), []);
});
