import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { once } from 'node:events';
import { after, before, test } from 'node:test';
// The fake worker is for what the real one (wav2lip-worker.test.ts: rendering, the protocol frames,
// a restarted worker that forgot the portrait, cancel, a worker killed mid-stream, ffmpeg failing)
// cannot be made to do on demand: hold a render open, report a chosen busy count, answer 503.
import { PersonaError } from '../../src/errors.js';
import type { VideoSegment } from '../../src/avatar/avatar-engine.js';
import { defaultPortraitPath } from '../../src/avatar/draw-default-portrait.js';
import { createStillAvatarEngine } from '../../src/avatar/still/still-engine.js';
import { createWav2lipAvatarEngine } from '../../src/avatar/wav2lip/wav2lip-client.js';
import type { AudioChunk } from '../../src/tts/tts-engine.js';
import { startFakeWav2lipWorker, type FakeWav2lipWorker } from '../helpers/fake-wav2lip-worker.js';
import { tone } from './probe-media.js';

/** Real fragmented MP4 segments (from the still engine) for the fake worker to stream back. */
let segments: Uint8Array[] = [];
const workers: FakeWav2lipWorker[] = [];

before(async () => {
  for await (const segment of createStillAvatarEngine().render(speech(3, 16000), defaultPortraitPath)) segments.push(segment.data);
  assert.ok(segments.length >= 3);
});

after(async () => {
  await Promise.all(workers.map((w) => w.close()));
});

async function* speech(seconds: number, sampleRate: number): AsyncGenerator<AudioChunk> {
  const pcm = tone(seconds, sampleRate);
  for (let start = 0; start < pcm.length; start += sampleRate / 4) yield { pcm: pcm.subarray(start, start + sampleRate / 4), sampleRate };
}

async function startWorker(): Promise<FakeWav2lipWorker> {
  const worker = await startFakeWav2lipWorker(segments);
  workers.push(worker);
  return worker;
}

async function collect(stream: AsyncIterable<VideoSegment>): Promise<VideoSegment[]> {
  const out: VideoSegment[] = [];
  for await (const segment of stream) out.push(segment);
  return out;
}

/** A URL where nothing listens: a port that was free a moment ago. */
async function deadUrl(): Promise<string> {
  const server = http.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}

test('segments stream back in order, the audio goes as 16 kHz, and the portrait is uploaded once per worker', async () => {
  const worker = await startWorker();
  const engine = createWav2lipAvatarEngine({ workers: [worker.url], healthIntervalMs: 0 });
  try {
    const first = await collect(engine.render(speech(1, 24000), defaultPortraitPath));
    assert.deepEqual(first.map((s) => s.index), segments.map((_, i) => i));
    assert.deepEqual(first.map((s) => Buffer.from(s.data)), segments.map((s) => Buffer.from(s)));
    assert.deepEqual(first.map((s) => s.final), segments.map((_, i) => i === segments.length - 1));
    assert.equal(first[0]!.mimeType, 'video/mp4; codecs="avc1.42C01E, mp4a.40.2"');
    assert.deepEqual(worker.renders.map((r) => [r.sampleRate, r.samples]), [[16000, 16000]]);

    await collect(engine.render(speech(0.5, 16000), defaultPortraitPath));
    assert.equal(worker.uploads.length, 1, 'the second render reuses the uploaded portrait');
    assert.equal(worker.renders.length, 2);
  } finally {
    await engine.close();
  }
});

test('requests go to the least busy worker: in flight here, then the busy count from health', async () => {
  const a = await startWorker();
  const b = await startWorker();
  const engine = createWav2lipAvatarEngine({ workers: [a.url, b.url], healthIntervalMs: 0 });
  try {
    let release!: () => void;
    const hold = new Promise<void>((resolve) => (release = resolve));
    a.behaviour.hold = hold;
    b.behaviour.hold = hold;
    const firstStream = engine.render(speech(0.5, 16000), defaultPortraitPath)[Symbol.asyncIterator]();
    const firstSegment = firstStream.next();
    while (a.renders.length + b.renders.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const busyOne = a.renders.length === 1 ? a : b;
    const idleOne = busyOne === a ? b : a;
    assert.deepEqual(engine.workers().map((w) => w.inFlight).sort(), [0, 1]);
    const second = collect(engine.render(speech(0.5, 16000), defaultPortraitPath));
    while (idleOne.renders.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    assert.equal(busyOne.renders.length, 1, 'the second request went to the idle worker');
    release();
    assert.equal((await firstSegment).done, false);
    await collect({ [Symbol.asyncIterator]: () => firstStream });
    assert.equal((await second).length, segments.length);

    // With nothing in flight here, the worker that reports less work (other clients') wins, whatever the round-robin turn.
    a.behaviour.hold = undefined;
    b.behaviour.hold = undefined;
    a.reportedBusy = 3;
    b.reportedBusy = 0;
    await engine.checkHealth();
    for (let i = 0; i < 3; i++) await collect(engine.render(speech(0.3, 16000), defaultPortraitPath));
    assert.equal(a.renders.length + b.renders.length, 5);
    assert.equal(b.renders.length - (idleOne === b ? 1 : 0) - (busyOne === b ? 1 : 0), 3);
  } finally {
    await engine.close();
  }
});

test('a dead worker is skipped, marked, and the render succeeds on a live one', async () => {
  const live = await startWorker();
  const dead = await deadUrl();
  const engine = createWav2lipAvatarEngine({ workers: [dead, live.url], healthIntervalMs: 0, backoffMs: 60_000 });
  try {
    for (let i = 0; i < 2; i++) assert.equal((await collect(engine.render(speech(0.5, 16000), defaultPortraitPath))).length, segments.length);
    assert.equal(live.renders.length, 2);
    const state = engine.workers().find((w) => w.url === dead)!;
    assert.equal(state.alive, false);
    assert.match(state.lastError ?? '', /fetch failed|ECONNREFUSED/);
  } finally {
    await engine.close();
  }
});

test('a busy (503) worker is passed over without being marked dead', async () => {
  const busy = await startWorker();
  const free = await startWorker();
  busy.behaviour.busy = true;
  const engine = createWav2lipAvatarEngine({ workers: [busy.url, free.url], healthIntervalMs: 0 });
  try {
    for (let i = 0; i < 2; i++) await collect(engine.render(speech(0.3, 16000), defaultPortraitPath));
    assert.equal(free.renders.length, 2);
    assert.equal(engine.workers().every((w) => w.alive), true);
  } finally {
    await engine.close();
  }
});

test('no reachable worker is a retryable error naming each one', async () => {
  const first = await deadUrl();
  const second = await deadUrl();
  const engine = createWav2lipAvatarEngine({ workers: [first, second], healthIntervalMs: 0 });
  try {
    await assert.rejects(collect(engine.render(speech(0.3, 16000), defaultPortraitPath)), (error: unknown) => {
      assert.ok(error instanceof PersonaError);
      assert.equal(error.retryable, true);
      assert.ok(error.message.includes(first) && error.message.includes(second));
      return true;
    });
  } finally {
    await engine.close();
  }
});

test('bad worker URLs and no workers are configuration errors', () => {
  assert.throws(() => createWav2lipAvatarEngine({ workers: [] }), /at least one worker URL/);
  assert.throws(() => createWav2lipAvatarEngine({ workers: ['not a url'] }), /"not a url" is not a URL/);
});
