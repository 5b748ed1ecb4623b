/**
 * The real XTTS worker (workers/xtts/server.py under uvicorn, coqui-tts on the CPU) driven by
 * the project's client. The model is XTTS v2's architecture at a tiny size with random weights
 * (workers/xtts/make_tiny_model.py): the audio is noise, but every step a real request takes
 * runs for real: consent, speaker latents from an espeak-ng reference clip, the GPT's streamed
 * tokens, the HiFi-GAN decoder, the chunked PCM16 response, disconnects and a dying process.
 * The fake worker (tests/helpers/fake-xtts-worker.ts) stays for what this one cannot do on
 * demand (odd TCP splits, routing between several workers, closed ports).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFile, mkdir, readdir, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { createXttsEngine, type TtsFrame } from '../../../src/tts/xtts/xtts-client.js';
import { PersonaError } from '../../../src/errors.js';
import { makeTemporaryFolder } from '../../helpers/temporary-folder-per-file.js';
import { pythonWorkersReady, repositoryRoot, runPython, startWorkerServer, freePort } from '../../helpers/python-workers.js';

const xttsFolder = path.join(repositoryRoot, 'workers/xtts');
const folder = makeTemporaryFolder('xtts-worker');

/*
 * The tiny model generates exactly 30 audio tokens per piece of text (its stop token is
 * suppressed), and inference_stream decodes them at 20 and at the end: two chunks per piece.
 * 30 tokens x 1024 samples at 22.05 kHz -> 130 frames of 256 samples at 24 kHz = 33280, less the
 * 1024 samples of cross-fade overlap that inference_stream keeps back at the end: 32256.
 */
const samplesPerPiece = 32_256;
// Each sentence is under XTTS's 250-character English limit, two together are over it, so the
// worker synthesises one piece per sentence.
const sentence = (n: number): string =>
  `This is sentence number ${n} of the test, which the worker speaks in a cloned voice made from a short reference clip spoken by the espeak synthesiser, and then streams back.`;
const twoPieces = `${sentence(1)} ${sentence(2)}`;
const fourPieces = [1, 2, 3, 4].map(sentence).join(' ');

async function writeVoice(name: string, consent: Record<string, unknown> | null): Promise<string> {
  const voice = path.join(folder, 'voices', name);
  await mkdir(voice, { recursive: true });
  await promisify(execFile)('espeak-ng', ['-w', path.join(voice, 'reference.wav'), 'The quick brown fox jumps over the lazy dog. A voice is cloned only with its owner’s consent.']);
  if (consent) await writeFile(path.join(voice, 'consent.json'), JSON.stringify(consent, null, 2));
  return voice;
}

const consentFor = (voice: string, purposes = ['voice-cloning']): Record<string, unknown> => ({
  voice,
  consentBy: 'Ada Tester',
  grantedAt: '2025-03-04T10:15:00Z',
  purposes,
  notes: 'A synthetic voice made by the tests.',
});

async function health(url: string): Promise<{ status: string; model: string; device: string; busy: number }> {
  const response = await fetch(`${url}/health`);
  assert.equal(response.status, 200);
  return (await response.json()) as { status: string; model: string; device: string; busy: number };
}

async function latents(url: string, voice: string): Promise<{ voice: string; clips: number; cached: boolean }> {
  const response = await fetch(`${url}/voices/${voice}/latents`, { method: 'POST' });
  assert.equal(response.status, 200, await response.clone().text());
  return (await response.json()) as { voice: string; clips: number; cached: boolean };
}

/** Polls /health until nothing is queued or running (the test's own timeout bounds the wait). */
async function idle(url: string): Promise<void> {
  while ((await health(url)).busy !== 0) await new Promise((resolve) => setTimeout(resolve, 100));
}

const sampleCount = (frames: TtsFrame[]): number => frames.reduce((sum, frame) => sum + frame.pcm.length, 0);

test('the real XTTS worker, on a tiny random XTTS v2 on the CPU, through the client', { timeout: 600_000 }, async (t) => {
  if (!pythonWorkersReady(t)) return;
  const modelFolder = path.join(folder, 'model');
  await runPython([path.join(xttsFolder, 'make_tiny_model.py'), '--out', modelFolder, '--seed', '1']);
  const voicesFolder = path.join(folder, 'voices');
  const cacheFolder = path.join(folder, 'cache');
  await writeVoice('ada', consentFor('ada'));
  await writeVoice('cache-test', consentFor('cache-test'));
  await writeVoice('no-consent', null);
  await writeVoice('demo-only', consentFor('demo-only', ['public-demo']));

  const server = await startWorkerServer(t, {
    workerFolder: xttsFolder,
    env: { XTTS_DEVICE: 'cpu', XTTS_MODEL_DIR: modelFolder, VOICES_DIR: voicesFolder, XTTS_CACHE_DIR: cacheFolder },
    readyTimeoutMs: 180_000,
  });
  // A long idle limit: on two busy cores a chunk can take a while; failures here must come from the worker.
  const engine = createXttsEngine({ workers: [server.url], healthIntervalMs: 0, requestTimeoutMs: 120_000 });
  t.after(() => engine.close());

  await t.test('health: loaded on the CPU, nothing busy', { timeout: 60_000 }, async () => {
    assert.deepEqual(await health(server.url), { status: 'ok', model: 'xtts_v2', device: 'cpu', busy: 0 });
    const [state] = await engine.checkHealth();
    assert.equal(state?.alive, true);
    assert.equal(state?.remoteBusy, 0);
  });

  await t.test('clones a consented voice: PCM16 24 kHz, streamed while it is still being made', { timeout: 120_000 }, async () => {
    const frames: TtsFrame[] = [];
    let busyAtFirstFrame: number | undefined;
    for await (const frame of engine.synthesize(twoPieces, { voice: 'ada' })) {
      // The first chunk is here while the worker is still generating the rest: it streams.
      busyAtFirstFrame ??= (await health(server.url)).busy;
      frames.push(frame);
    }
    assert.equal(busyAtFirstFrame, 1);
    assert.ok(frames.length > 1, `${frames.length} frames`);
    assert.ok(frames.every((frame) => frame.sampleRate === 24_000));
    // Every chunk of both pieces arrived, whole samples only.
    assert.equal(sampleCount(frames), 2 * samplesPerPiece);
    assert.ok(frames.some((frame) => frame.pcm.some((sample) => sample !== 0)), 'the audio is not silence');
    assert.equal(engine.workers()[0]?.inFlight, 0);
    assert.equal((await health(server.url)).busy, 0);
  });

  await t.test("refuses a voice without consent (403) as the client's typed error naming the voice", { timeout: 60_000 }, async () => {
    for (const [voice, reason] of [
      ['no-consent', /no consent\.json/],
      ['demo-only', /voice-cloning/],
    ] as const) {
      await assert.rejects(
        async () => {
          for await (const _ of engine.synthesize('Hello there.', { voice })) assert.fail('no audio without consent');
        },
        (error: unknown) => {
          assert.ok(error instanceof PersonaError, String(error));
          assert.equal(error.code, 'input-unsupported');
          assert.equal(error.retryable, false);
          assert.ok(error.message.includes(`"${voice}"`), error.message);
          assert.match(error.message, /cloning refused/);
          assert.match(error.message, reason);
          return true;
        },
      );
    }
  });

  await t.test("an unknown voice is a 404: not-found with the worker's message", { timeout: 60_000 }, async () => {
    await assert.rejects(
      async () => {
        for await (const _ of engine.synthesize('Hello there.', { voice: 'nobody' })) assert.fail('no audio for an unknown voice');
      },
      (error: unknown) => {
        assert.ok(error instanceof PersonaError, String(error));
        assert.equal(error.code, 'not-found');
        assert.equal(error.retryable, false);
        assert.match(error.message, /unknown voice "nobody": no folder voices\/nobody/);
        return true;
      },
    );
    // A client error does not mark the worker dead.
    assert.equal(engine.workers()[0]?.alive, true);
  });

  await t.test('speaker latents are cached, and recomputed when a reference clip changes', { timeout: 120_000 }, async () => {
    const voice = path.join(voicesFolder, 'cache-test');
    assert.deepEqual(await latents(server.url, 'cache-test'), { voice: 'cache-test', clips: 1, cached: false });
    assert.deepEqual(await latents(server.url, 'cache-test'), { voice: 'cache-test', clips: 1, cached: true });
    // The same file touched (a re-recorded clip copied over with the same size would look like this).
    const later = new Date(Date.now() + 60_000);
    await utimes(path.join(voice, 'reference.wav'), later, later);
    assert.deepEqual(await latents(server.url, 'cache-test'), { voice: 'cache-test', clips: 1, cached: false });
    assert.deepEqual(await latents(server.url, 'cache-test'), { voice: 'cache-test', clips: 1, cached: true });
    // A new clip.
    await copyFile(path.join(voice, 'reference.wav'), path.join(voice, 'reference-2.wav'));
    assert.deepEqual(await latents(server.url, 'cache-test'), { voice: 'cache-test', clips: 2, cached: false });
    assert.deepEqual(await latents(server.url, 'cache-test'), { voice: 'cache-test', clips: 2, cached: true });
    // One file on disk per version of the clips, so a restarted worker finds them.
    const cached = (await readdir(cacheFolder)).filter((name) => name.startsWith('cache-test.'));
    assert.equal(cached.length, 3, cached.join(', '));
  });

  await t.test('a request aborted mid-stream stops the synthesis; the worker stays healthy', { timeout: 180_000 }, async () => {
    const controller = new AbortController();
    let frames = 0;
    for await (const frame of engine.synthesize(fourPieces, { voice: 'ada', signal: controller.signal })) {
      assert.ok(frame.pcm.length > 0);
      frames += 1;
      controller.abort(); // after the first frame of four pieces' worth
    }
    assert.equal(frames, 1, 'the iteration ends quietly at the abort');
    assert.equal(engine.workers()[0]?.inFlight, 0);
    await idle(server.url);
    // The worker noticed the client leaving and stopped before the end of the text.
    assert.match(server.log(), /synthesis stopped after \d+ chunks: the client went away/);
    // Already aborted: no request reaches the worker at all.
    const requests = (): number => server.log().split('"POST /tts/stream').length - 1;
    const before = requests();
    for await (const _ of engine.synthesize('Never sent.', { voice: 'ada', signal: AbortSignal.abort() })) assert.fail('no audio after an abort');
    assert.equal((await health(server.url)).busy, 0);
    assert.equal(requests(), before);
    const next: TtsFrame[] = [];
    for await (const frame of engine.synthesize('The next request works.', { voice: 'ada' })) next.push(frame);
    assert.equal(sampleCount(next), samplesPerPiece);
  });

  // Last: it kills the server.
  await t.test('a worker killed mid-stream is a typed, retryable error, not a hang', { timeout: 120_000 }, async () => {
    let killed = false;
    let received = 0;
    await assert.rejects(
      async () => {
        for await (const frame of engine.synthesize(fourPieces, { voice: 'ada' })) {
          received += frame.pcm.length;
          if (killed) continue; // frames already on their way still arrive
          killed = true;
          process.kill(-server.process.pid!, 'SIGKILL'); // uvicorn and anything it started
        }
      },
      (error: unknown) => {
        assert.ok(error instanceof PersonaError, String(error));
        assert.equal(error.code, 'service-unavailable');
        assert.equal(error.retryable, true);
        assert.match(error.message, /the audio stream was cut/);
        assert.ok(error.message.includes(server.url), error.message);
        return true;
      },
    );
    assert.equal(killed, true);
    assert.ok(received > 0 && received < 4 * samplesPerPiece, `the audio before the cut arrived (${received} samples)`);
    assert.equal(engine.workers()[0]?.inFlight, 0);
  });
});

test('without weights, a worker that cannot reach the model hub stops with a clear message', { timeout: 180_000 }, async (t) => {
  if (!pythonWorkersReady(t)) return;
  const emptyModelFolder = path.join(folder, 'no-model');
  await mkdir(emptyModelFolder, { recursive: true });
  // A proxy on a closed port: the download fails at once whether or not this machine has a network.
  const proxy = `http://127.0.0.1:${await freePort()}`;
  await assert.rejects(
    startWorkerServer(t, {
      workerFolder: xttsFolder,
      env: {
        XTTS_DEVICE: 'cpu',
        XTTS_MODEL_DIR: emptyModelFolder,
        VOICES_DIR: path.join(folder, 'voices'),
        XTTS_CACHE_DIR: path.join(folder, 'cache'),
        COQUI_TOS_AGREED: '1',
        TTS_HOME: path.join(folder, 'tts-home'),
        HTTPS_PROXY: proxy,
        HTTP_PROXY: proxy,
        https_proxy: proxy,
        http_proxy: proxy,
        NO_PROXY: '',
        no_proxy: '',
      },
    }),
    (error: unknown) => {
      assert.ok(error instanceof Error);
      assert.match(error.message, /worker exited before it was ready/);
      assert.match(error.message, /no XTTS v2 weights in .*no-model, and downloading them .* failed: the model hub is unreachable/);
      assert.match(error.message, /Copy config\.json, model\.pth and vocab\.json into XTTS_MODEL_DIR/);
      return true;
    },
  );
});
