/**
 * The XTTS client against real local HTTP servers that speak the worker's protocol
 * (workers/xtts/README.md): health JSON, chunked PCM16 LE with X-Sample-Rate, JSON errors.
 * Only for what the real worker cannot be made to do on demand (samples split at odd bytes,
 * routing between busy workers, closed ports); refusals, aborts and a worker dying mid-stream
 * are tested against the real worker in xtts-worker.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type http from 'node:http';
import { startFakeXttsWorker as startWorker, type StreamRequest } from '../../helpers/fake-xtts-worker.js';
import { createXttsEngine, type TtsFrame } from '../../../src/tts/xtts/xtts-client.js';
import { PersonaError } from '../../../src/errors.js';

function pcmBytes(samples: number[]): Buffer {
  const buf = Buffer.alloc(samples.length * 2);
  samples.forEach((s, i) => buf.writeInt16LE(s, i * 2));
  return buf;
}

const tick = (ms = 5): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function writeOddChunks(res: http.ServerResponse, bytes: Buffer, sizes: number[]): Promise<void> {
  let at = 0;
  let k = 0;
  while (at < bytes.length) {
    const size = sizes[k++ % sizes.length] ?? 1;
    res.write(bytes.subarray(at, at + size));
    at += size;
    await tick(2); // separate network chunks
  }
}

async function collect(frames: AsyncIterable<TtsFrame>): Promise<TtsFrame[]> {
  const out: TtsFrame[] = [];
  for await (const f of frames) out.push(f);
  return out;
}

const samples = Array.from({ length: 301 }, (_, i) => ((i * 2731) % 65536) - 32768); // negatives, extremes

test('streams PCM in order and rebuilds samples split at odd byte boundaries', async (t) => {
  const worker = await startWorker(async ({ res }) => {
    await writeOddChunks(res, pcmBytes(samples), [3, 1, 7, 2, 5, 13]);
    res.end();
  });
  t.after(() => worker.close());
  const engine = createXttsEngine({ workers: [worker.url], healthIntervalMs: 0 });
  t.after(() => engine.close());

  const frames = await collect(engine.synthesize('Hello there.', { voice: 'meera' }));
  assert.ok(frames.length > 10, `expected many frames, got ${frames.length}`);
  assert.ok(frames.every((f) => f.sampleRate === 24000 && f.pcm.length > 0));
  const all = frames.flatMap((f) => Array.from(f.pcm));
  assert.deepEqual(all, samples);
  assert.deepEqual(worker.requests[0]?.body, { text: 'Hello there.', voice: 'meera', language: 'en', sample_rate: 24000 });
  assert.equal(engine.workers()[0]?.inFlight, 0);
  assert.equal(engine.id, 'xtts');
  assert.deepEqual(engine.capabilities, { streaming: true, cloning: true, sampleRate: 24000 });
});

test('routes to the least-busy worker, ties round-robin', async (t) => {
  const release: Array<() => void> = [];
  const hold = async ({ res, body }: StreamRequest): Promise<void> => {
    res.write(pcmBytes([1, 2]));
    if (body.text === 'hold') await new Promise<void>((r) => release.push(r));
    res.end(pcmBytes([3]));
  };
  const a = await startWorker(hold);
  const b = await startWorker(hold);
  t.after(() => Promise.all([a.close(), b.close()]));
  const engine = createXttsEngine({ workers: [a.url, b.url], healthIntervalMs: 0 });
  t.after(() => engine.close());

  // One long request holds a worker busy.
  const held = engine.synthesize('hold', { voice: 'v' })[Symbol.asyncIterator]();
  const first = await held.next();
  assert.equal(first.done, false);
  const busy = a.requests.length === 1 ? a : b;
  const idle = busy === a ? b : a;
  assert.equal(busy.requests.length, 1);

  // While it is busy, every other request goes to the idle worker.
  for (let i = 0; i < 3; i++) await collect(engine.synthesize(`quick ${i}`, { voice: 'v' }));
  assert.equal(busy.requests.length, 1);
  assert.equal(idle.requests.length, 3);
  assert.deepEqual(
    engine.workers().map((w) => w.inFlight).sort(),
    [0, 1],
  );

  // Once both are idle, ties alternate.
  release.shift()?.();
  const rest: TtsFrame[] = [];
  for (let r = await held.next(); !r.done; r = await held.next()) rest.push(r.value);
  assert.deepEqual(rest.flatMap((f) => Array.from(f.pcm)), [3]);
  const before = a.requests.length + b.requests.length;
  await collect(engine.synthesize('tie 1', { voice: 'v' }));
  await collect(engine.synthesize('tie 2', { voice: 'v' }));
  assert.equal(a.requests.length + b.requests.length, before + 2);
  const last2 = [a.requests.at(-1)?.body.text, b.requests.at(-1)?.body.text];
  assert.ok(last2.includes('tie 1') && last2.includes('tie 2'), `ties split across workers: ${JSON.stringify(last2)}`);
});

test('a dead worker (closed port) is skipped, then retried after its back-off', async (t) => {
  const live = await startWorker(({ res }) => void res.end(pcmBytes([7, 8, 9])));
  t.after(() => live.close());
  const gone = await startWorker(() => {});
  const deadUrl = gone.url;
  await gone.close();

  const calls: string[] = [];
  const engine = createXttsEngine({
    workers: [deadUrl, live.url],
    healthIntervalMs: 0,
    backoffMs: 200,
    fetch: (input, init) => {
      calls.push(String(input));
      return fetch(input, init);
    },
  });
  t.after(() => engine.close());

  for (let i = 0; i < 4; i++) {
    const frames = await collect(engine.synthesize(`try ${i}`, { voice: 'v' }));
    assert.deepEqual(frames.flatMap((f) => Array.from(f.pcm)), [7, 8, 9]);
  }
  assert.equal(live.requests.length, 4);
  assert.equal(calls.filter((c) => c.startsWith(deadUrl)).length, 1, 'the dead worker is tried once, then skipped');
  const dead = engine.workers().find((w) => w.url === deadUrl);
  assert.equal(dead?.alive, false);
  assert.match(dead?.lastError ?? '', /fetch failed|ECONNREFUSED/);

  // After the back-off it is tried again (and fails again, without failing the request).
  await tick(250);
  await collect(engine.synthesize('again', { voice: 'v' }));
  await collect(engine.synthesize('again 2', { voice: 'v' }));
  assert.equal(calls.filter((c) => c.startsWith(deadUrl)).length, 2);

  // A health probe also marks it dead.
  const states = await engine.checkHealth();
  assert.deepEqual(states.map((s) => s.alive), [false, true]);
});

test('no reachable worker → a retryable service-unavailable error', async (t) => {
  const gone = await startWorker(() => {});
  await gone.close();
  const engine = createXttsEngine({ workers: [gone.url], healthIntervalMs: 0 });
  t.after(() => engine.close());
  await assert.rejects(collect(engine.synthesize('hi', { voice: 'v' })), (error: unknown) => {
    assert.ok(error instanceof PersonaError);
    assert.equal(error.code, 'service-unavailable');
    assert.equal(error.retryable, true);
    return true;
  });
});
