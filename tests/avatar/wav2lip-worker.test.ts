/**
 * The real Wav2Lip worker (workers/wav2lip/server.py under uvicorn) driven by the project's client.
 * It runs on CPU with the shape network (Wav2Lip's exact inputs and outputs, random weights, fixed
 * seed: Wav2Lip's own weights cannot be downloaded here and are non-commercial), OpenCV's Haar
 * face detector, and the static ffmpeg from npm. Everything else is the worker as deployed: the
 * mel features, the face cache, the blending, the fMP4 segmenting and the framing. Faults the real
 * worker cannot be made to produce (dying mid-stream, a busy pool) stay with the fake worker in
 * wav2lip-client.test.ts.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import { ffmpegPath } from '../../src/audio/ffmpeg-path.js';
import { encodeWav } from '../../src/audio/wav-file.js';
import { fragmentedMp4MimeType, type VideoSegment } from '../../src/avatar/avatar-engine.js';
import { defaultPortraitPath, defaultPortraitSize } from '../../src/avatar/draw-default-portrait.js';
import { encodePng } from '../../src/avatar/encode-png.js';
import { topLevelBoxes } from '../../src/avatar/fragmented-mp4-segments.js';
import { pcmAtRate } from '../../src/avatar/pcm-at-rate.js';
import { readRenderFrames, type RenderFrame } from '../../src/avatar/wav2lip/render-frames.js';
import { createWav2lipAvatarEngine, wav2lipSampleRate, type Wav2lipAvatarEngine } from '../../src/avatar/wav2lip/wav2lip-client.js';
import { InputError, PersonaError } from '../../src/errors.js';
import { readWav } from '../../src/stt/vad/read-wav.js';
import type { AudioChunk } from '../../src/tts/tts-engine.js';
import { pythonWorkersReady, repositoryRoot, runPython, startWorkerServer, type WorkerServer } from '../helpers/python-workers.js';
import { temporaryFolder } from '../helpers/temporary-folder.js';
import { decodeErrors, probeMedia, tone } from './probe-media.js';

const workerFolder = path.join(repositoryRoot, 'workers/wav2lip');
const fps = 25;

interface WorkerHealth {
  status: string;
  engine: string;
  device: string;
  busy: number;
  network: string;
  faceDetector: string;
  faceDetections: number;
  renders: { finished: number; cancelled: number; failed: number };
}

interface PortraitAnswer {
  id: string;
  cached: boolean;
  face: { x: number; y: number; width: number; height: number };
}

async function startWav2lip(context: TestContext, cacheFolder: string, env: NodeJS.ProcessEnv = {}, port?: number): Promise<WorkerServer> {
  return startWorkerServer(context, {
    workerFolder,
    port,
    env: {
      WAV2LIP_DEVICE: 'cpu',
      WAV2LIP_NETWORK: 'shape_network:create_network',
      WAV2LIP_FACE_DETECTOR: 'haar',
      WAV2LIP_CACHE_DIR: cacheFolder,
      WAV2LIP_FFMPEG: ffmpegPath(),
      WAV2LIP_BATCH: '16',
      // Two cores shared with other tests: torch should not spread over more.
      OMP_NUM_THREADS: '1',
      ...env,
    },
  });
}

function engineFor(server: WorkerServer): Wav2lipAvatarEngine {
  return createWav2lipAvatarEngine({ workers: [server.url], healthIntervalMs: 0, requestTimeoutMs: 30_000 });
}

async function health(server: WorkerServer): Promise<WorkerHealth> {
  const response = await fetch(`${server.url}/health`);
  assert.equal(response.status, 200);
  return (await response.json()) as WorkerHealth;
}

async function uploadPortrait(server: WorkerServer, file: string): Promise<{ status: number; body: PortraitAnswer & { error?: string } }> {
  const response = await fetch(`${server.url}/portraits`, { method: 'POST', headers: { 'content-type': 'image/png' }, body: readFileSync(file) });
  return { status: response.status, body: (await response.json()) as PortraitAnswer & { error?: string } };
}

/** A short answer spoken by espeak-ng: real speech at espeak's own rate (22050 Hz), resampled by the client. */
function spokenAnswer(folder: string): { pcm: Int16Array; sampleRate: number } {
  const file = path.join(folder, 'answer.wav');
  const spoken = spawnSync('espeak-ng', ['-v', 'en-us', '-w', file, 'Hello. I am your persona, and this is my answer.'], { encoding: 'utf8' });
  assert.equal(spoken.status, 0, `espeak-ng failed: ${spoken.stderr}`);
  const wav = readWav(readFileSync(file), file);
  const pcm = Int16Array.from(wav.samples, (sample) => Math.max(-32768, Math.min(32767, Math.round(sample * 32767))));
  return { pcm, sampleRate: wav.sampleRate };
}

async function* chunks(pcm: Int16Array, sampleRate: number): AsyncGenerator<AudioChunk> {
  yield { pcm, sampleRate };
}

async function collect(stream: AsyncIterable<VideoSegment>): Promise<VideoSegment[]> {
  const out: VideoSegment[] = [];
  for await (const segment of stream) out.push(segment);
  return out;
}

/** The raw frames of one POST /render, read with the client's own frame reader. */
async function rawRender(server: WorkerServer, portraitId: string, wav: Buffer): Promise<RenderFrame[]> {
  const response = await fetch(`${server.url}/render?portrait=${portraitId}`, { method: 'POST', headers: { 'content-type': 'audio/wav' }, body: wav });
  if (response.status !== 200) assert.fail(`render answered ${response.status}: ${await response.text()}`);
  assert.equal(response.headers.get('x-segment-mime-type'), fragmentedMp4MimeType);
  const frames: RenderFrame[] = [];
  for await (const frame of readRenderFrames(response.body as unknown as AsyncIterable<Uint8Array>)) frames.push(frame);
  return frames;
}

/** Video frames ffmpeg finds in the file (packets of the video stream, copied, not re-encoded). */
function videoFrameCount(file: string): number {
  const listed = spawnSync(ffmpegPath(), ['-hide_banner', '-v', 'error', '-i', file, '-map', '0:v', '-c', 'copy', '-f', 'framecrc', '-'], { encoding: 'utf8' });
  assert.equal(listed.status, 0, listed.stderr);
  return listed.stdout.split('\n').filter((line) => line.startsWith('0,')).length;
}

/** RGB bytes of a picture, or of the first video frame of a file, as ffmpeg decodes it. */
function firstFrameRgb(file: string): Buffer {
  const decoded = spawnSync(ffmpegPath(), ['-v', 'error', '-i', file, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-']);
  assert.equal(decoded.status, 0, decoded.stderr?.toString());
  return decoded.stdout;
}

/** Mean absolute difference of two RGB pictures of the default portrait's size, inside and outside a box. */
function differenceAround(a: Buffer, b: Buffer, box: PortraitAnswer['face']): { inside: number; outside: number } {
  const side = defaultPortraitSize;
  assert.equal(a.length, side * side * 3);
  assert.equal(b.length, side * side * 3);
  let inside = 0;
  let insideCount = 0;
  let outside = 0;
  let outsideCount = 0;
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const offset = (y * side + x) * 3;
      const difference = Math.abs(a[offset]! - b[offset]!) + Math.abs(a[offset + 1]! - b[offset + 1]!) + Math.abs(a[offset + 2]! - b[offset + 2]!);
      if (x >= box.x && x < box.x + box.width && y >= box.y && y < box.y + box.height) {
        inside += difference;
        insideCount += 3;
      } else {
        outside += difference;
        outsideCount += 3;
      }
    }
  }
  return { inside: inside / insideCount, outside: outside / outsideCount };
}

async function waitFor<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(value)} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

test("the worker's mel features have Wav2Lip's shape, range and bands, and its per-frame windows", { timeout: 60_000 }, async (context) => {
  if (!pythonWorkersReady(context)) return;
  const script = `
import json, numpy as np, librosa
from mel_spectrogram import melspectrogram, mel_windows, NUM_MELS, FMIN, FMAX
t = np.arange(16000) / 16000
tone = melspectrogram(0.5 * np.sin(2 * np.pi * 440 * t))
silence = melspectrogram(np.zeros(16000))
centres = librosa.mel_frequencies(NUM_MELS + 2, fmin=FMIN, fmax=FMAX)[1:-1]
short = mel_windows(melspectrogram(np.zeros(1600)), 3, 25)
windows = mel_windows(np.tile(np.arange(81, dtype=np.float32), (80, 1)), 26, 25)
print(json.dumps({"shape": tone.shape, "dtype": str(tone.dtype), "min": float(tone.min()), "max": float(tone.max()),
  "silence": [float(silence.min()), float(silence.max())], "peak": float(centres[tone[:, 40].argmax()]),
  "short": [short.shape, float(short.min()), float(short.max())], "starts": windows[:, 0, 0].tolist()}))
`;
  const { stdout } = await runPython(['-c', script], { cwd: workerFolder });
  const mel = JSON.parse(stdout) as { shape: number[]; dtype: string; min: number; max: number; silence: number[]; peak: number; short: [number[], number, number]; starts: number[] };
  assert.deepEqual(mel.shape, [80, 81], '80 bands, a frame every 200 samples, centred');
  assert.equal(mel.dtype, 'float32');
  assert.ok(mel.min >= -4 && mel.max <= 4 && mel.max > 0, `normalised to [-4, 4]: ${mel.min}..${mel.max}`);
  assert.deepEqual(mel.silence, [-4, -4], 'silence sits at the -100 dB floor');
  assert.ok(Math.abs(mel.peak - 440) < 40, `a 440 Hz tone peaks in the band around ${mel.peak} Hz`);
  // 0.1 s of audio is shorter than one window: padded with silence, every frame gets one.
  assert.deepEqual(mel.short, [[3, 80, 16], -4, -4]);
  // Frame i starts at int(80 * i / 25); the windows past the end take the last 16 frames (81 - 16 = 65).
  assert.deepEqual(mel.starts, Array.from({ length: 26 }, (_, i) => Math.min(Math.floor((80 * i) / 25), 65)));
});

test('the real worker on CPU: health, lip-synced fMP4 for spoken audio, the protocol frame by frame, the face cache', { timeout: 60_000 }, async (context) => {
  if (!pythonWorkersReady(context)) return;
  const folder = temporaryFolder(context);
  const cache = path.join(folder, 'cache');
  const server = await startWav2lip(context, cache);
  const engine = engineFor(server);
  context.after(() => engine.close());

  const ready = await health(server);
  assert.deepEqual(
    { ...ready, renders: undefined },
    { status: 'ok', engine: 'wav2lip', device: 'cpu', busy: 0, network: 'shape_network:create_network', faceDetector: 'haar', faceDetections: 0, renders: undefined },
  );
  const [state] = await engine.checkHealth();
  assert.equal(state?.alive, true);
  assert.equal(state?.remoteBusy, 0);

  // The client's render: resampled to 16 kHz, uploaded, streamed back as fMP4 segments.
  const answer = spokenAnswer(folder);
  const samples = pcmAtRate(answer.pcm, answer.sampleRate, wav2lipSampleRate).length;
  const seconds = samples / wav2lipSampleRate;
  const segments = await collect(engine.render(chunks(answer.pcm, answer.sampleRate), defaultPortraitPath));
  assert.ok(segments.length >= 2, `${seconds} s of video come in about one segment a second, got ${segments.length}`);
  assert.deepEqual(segments.map((s) => [s.index, s.final, s.mimeType]), segments.map((_, i) => [i, i === segments.length - 1, fragmentedMp4MimeType]));
  assert.deepEqual(topLevelBoxes(segments[0]!.data).slice(0, 2), ['ftyp', 'moov'], 'the first segment carries the init');
  for (const segment of segments.slice(1)) assert.deepEqual(topLevelBoxes(segment.data), ['moof', 'mdat']);

  const video = path.join(folder, 'answer.mp4');
  writeFileSync(video, Buffer.concat(segments.map((s) => s.data)));
  assert.equal(decodeErrors(video), '');
  const probe = probeMedia(video);
  assert.deepEqual(probe.streams.sort(), ['audio:aac', 'video:h264']);
  assert.ok(Math.abs(probe.seconds - seconds) <= 0.1, `the video lasts ${probe.seconds} s, the audio ${seconds} s`);
  assert.equal(videoFrameCount(video), Math.ceil((samples * fps) / wav2lipSampleRate), `one frame per 1/${fps} s of ${seconds} s of audio`);

  // The network's 96x96 mouth is pasted into the face box; the rest of the picture is the portrait.
  const upload = await uploadPortrait(server, defaultPortraitPath);
  assert.equal(upload.status, 200);
  const box = upload.body.face;
  const difference = differenceAround(firstFrameRgb(video), firstFrameRgb(defaultPortraitPath), box);
  assert.ok(difference.outside < 5, `outside the face box the frame is the portrait (mean difference ${difference.outside})`);
  assert.ok(difference.inside > 15, `inside the face box the frame is the network's (mean difference ${difference.inside})`);

  // The same request by hand, read with the client's frame reader: segments, then one end frame
  // whose summary matches; byte for byte what the client yielded (the encoder is deterministic).
  const frames = await rawRender(server, upload.body.id, encodeWav(pcmAtRate(answer.pcm, answer.sampleRate, wav2lipSampleRate), wav2lipSampleRate));
  const last = frames.at(-1);
  assert.equal(last?.type, 'end');
  assert.deepEqual(last?.type === 'end' ? last.summary : undefined, { segments: frames.length - 1, seconds });
  assert.deepEqual(
    frames.slice(0, -1).map((frame) => (frame.type === 'segment' ? Buffer.from(frame.data) : frame.type)),
    segments.map((s) => Buffer.from(s.data)),
  );

  // Face detection ran once for this portrait: the upload above and a second client (which uploads
  // again) hit the memory cache; the box is on disk for the next start.
  assert.equal(upload.body.cached, true);
  const otherEngine = engineFor(server);
  context.after(() => otherEngine.close());
  assert.ok((await collect(otherEngine.render(chunks(tone(0.5, 16000), 16000), defaultPortraitPath))).length >= 1);
  const after = await health(server);
  assert.equal(after.faceDetections, 1);
  assert.deepEqual(after.renders, { finished: 3, cancelled: 0, failed: 0 });
  assert.equal(after.busy, 0);
  assert.deepEqual(JSON.parse(readFileSync(path.join(cache, `${upload.body.id}.face.json`), 'utf8')), box);
  assert.ok(existsSync(path.join(cache, `${upload.body.id}.img`)));
});

test('a restarted worker: the face box comes from its disk cache; with an empty cache the client uploads the portrait again', { timeout: 60_000 }, async (context) => {
  if (!pythonWorkersReady(context)) return;
  const folder = temporaryFolder(context);
  const cache = path.join(folder, 'cache');
  const first = await startWav2lip(context, cache);
  const port = Number(new URL(first.url).port);
  // One client throughout: it keeps the URL, and remembers it uploaded the portrait there.
  const engine = engineFor(first);
  context.after(() => engine.close());
  assert.ok((await collect(engine.render(chunks(tone(0.6, 16000), 16000), defaultPortraitPath))).at(-1)?.final);
  assert.equal((await health(first)).faceDetections, 1);
  const detected = await uploadPortrait(first, defaultPortraitPath);
  await first.close();

  // Same cache: the client does not upload again, and the worker finds the portrait and its box on disk.
  const second = await startWav2lip(context, cache, {}, port);
  assert.ok((await collect(engine.render(chunks(tone(0.6, 16000), 16000), defaultPortraitPath))).at(-1)?.final);
  assert.deepEqual([(await health(second)).faceDetections, (await health(second)).renders.finished], [0, 1]);
  assert.deepEqual((await uploadPortrait(second, defaultPortraitPath)).body, detected.body);
  await second.close();

  // An empty cache (another disk): the worker answers 404 to the render, the client uploads the
  // portrait again (one detection) and the same render goes through.
  const third = await startWav2lip(context, path.join(folder, 'empty-cache'), {}, port);
  assert.ok((await collect(engine.render(chunks(tone(0.6, 16000), 16000), defaultPortraitPath))).at(-1)?.final);
  assert.deepEqual([(await health(third)).faceDetections, (await health(third)).renders.finished], [1, 1]);
});

test('a portrait without a face and audio the worker refuses are typed errors naming the input; the worker stays healthy', { timeout: 60_000 }, async (context) => {
  if (!pythonWorkersReady(context)) return;
  const folder = temporaryFolder(context);
  const server = await startWav2lip(context, path.join(folder, 'cache'));
  const engine = engineFor(server);
  context.after(() => engine.close());

  // A plain sky-blue gradient: a valid PNG with no face in it.
  const side = 256;
  const rgb = new Uint8Array(side * side * 3);
  for (let i = 0; i < side * side; i++) rgb.set([120 + ((i / side) >> 2), 160, 220], i * 3);
  const faceless = path.join(folder, 'faceless.png');
  writeFileSync(faceless, encodePng(rgb, side, side));
  await assert.rejects(collect(engine.render(chunks(tone(0.5, 16000), 16000), faceless)), (error: unknown) => {
    assert.ok(error instanceof InputError, String(error));
    assert.equal(error.code, 'input-unsupported');
    assert.equal(error.path, faceless);
    assert.match(error.message, /no face found in the portrait/);
    return true;
  });
  assert.equal((await health(server)).faceDetections, 1);

  // Over the worker's 300 s limit: refused before any stream starts, named as the audio.
  await assert.rejects(collect(engine.render(chunks(new Int16Array(301 * 16000), 16000), defaultPortraitPath)), (error: unknown) => {
    assert.ok(error instanceof PersonaError, String(error));
    assert.equal(error.code, 'input-unsupported');
    assert.equal(error.retryable, false);
    assert.match(error.message, /the audio over .*default-portrait\.png was refused: the audio lasts 301\.0 s, over the 300 s limit/);
    return true;
  });

  // What the client never sends, but another client could: each refusal says what is wrong.
  const id = (await uploadPortrait(server, defaultPortraitPath)).body.id;
  const refusals: Array<[Buffer, RegExp]> = [
    [Buffer.from('certainly not a WAV file'), /the audio is not a WAV file/],
    [encodeWav(tone(0.5, 24000), 24000), /16000 Hz mono PCM16 WAV, got 24000 Hz/],
    [encodeWav(new Int16Array(0), 16000), /the audio is empty/],
  ];
  for (const [body, message] of refusals) {
    const response = await fetch(`${server.url}/render?portrait=${id}`, { method: 'POST', headers: { 'content-type': 'audio/wav' }, body });
    assert.equal(response.status, 400);
    assert.match(((await response.json()) as { error: string }).error, message);
  }
  const unknown = await fetch(`${server.url}/render?portrait=${'0'.repeat(64)}`, { method: 'POST', body: encodeWav(tone(0.5, 16000), 16000) });
  assert.equal(unknown.status, 404);
  const traversal = await fetch(`${server.url}/render?portrait=..%2F..%2Fetc%2Fpasswd`, { method: 'POST', body: encodeWav(tone(0.5, 16000), 16000) });
  assert.equal(traversal.status, 400);

  assert.equal((await collect(engine.render(chunks(tone(0.5, 16000), 16000), defaultPortraitPath))).at(-1)?.final, true);
  const after = await health(server);
  assert.deepEqual([after.busy, after.renders], [0, { finished: 1, cancelled: 0, failed: 0 }]);
});

test('a cancelled render stops on the worker, which then renders the next one', { timeout: 60_000 }, async (context) => {
  if (!pythonWorkersReady(context)) return;
  const server = await startWav2lip(context, path.join(temporaryFolder(context), 'cache'));
  const engine = engineFor(server);
  context.after(() => engine.close());

  const controller = new AbortController();
  const received: VideoSegment[] = [];
  // 40 s of audio: seconds of work on two cores, so the abort lands well before its end.
  for await (const segment of engine.render(chunks(tone(40, 16000), 16000), defaultPortraitPath, { signal: controller.signal })) {
    received.push(segment);
    controller.abort();
  }
  assert.equal(received.length, 1, 'the stream ends quietly at the abort');
  assert.equal(received[0]!.final, false);
  const stopped = await waitFor('the cancelled render', () => health(server), (h) => h.busy === 0);
  assert.deepEqual(stopped.renders, { finished: 0, cancelled: 1, failed: 0 }, 'stopped, not rendered to the end');
  assert.equal(engine.workers()[0]!.inFlight, 0);

  const next = await collect(engine.render(chunks(tone(1, 16000), 16000), defaultPortraitPath));
  assert.equal(next.at(-1)?.final, true);
  assert.deepEqual((await health(server)).renders, { finished: 1, cancelled: 1, failed: 0 });
});

test('a worker killed mid-render gives the segments so far, then a retryable error, not a hang', { timeout: 60_000 }, async (context) => {
  if (!pythonWorkersReady(context)) return;
  const server = await startWav2lip(context, path.join(temporaryFolder(context), 'cache'));
  const engine = engineFor(server);
  context.after(() => engine.close());
  const received: VideoSegment[] = [];
  await assert.rejects(
    (async () => {
      for await (const segment of engine.render(chunks(tone(40, 16000), 16000), defaultPortraitPath)) {
        received.push(segment);
        if (received.length === 1) await server.close(); // SIGKILL, as a crash or an OOM kill
      }
    })(),
    (error: unknown) => {
      assert.ok(error instanceof PersonaError, String(error));
      assert.equal(error.code, 'service-unavailable');
      assert.equal(error.retryable, true);
      assert.match(error.message, /the video stream for .*default-portrait\.png was cut/);
      assert.ok(error.message.includes(server.url));
      return true;
    },
  );
  assert.ok(received.length >= 1 && received.every((segment) => !segment.final), 'no segment claims to be the last');
  assert.equal(engine.workers()[0]!.inFlight, 0);
});

test('ffmpeg dying mid-render reaches the client as the error frame after the segments so far', { timeout: 60_000 }, async (context) => {
  if (!pythonWorkersReady(context)) return;
  const folder = temporaryFolder(context);
  // The real ffmpeg behind a pipe that closes after 40 frames of 512x512 BGR: as an ffmpeg that
  // crashed would, it stops reading the worker's frames. The parent shell lets go of the worker's
  // pipe, so the worker's next write fails at once instead of filling a buffer nobody reads.
  const wrapper = path.join(folder, 'ffmpeg-that-stops');
  writeFileSync(
    wrapper,
    `#!/bin/sh\nexec 3<&0 0</dev/null\nhead -c ${40 * defaultPortraitSize * defaultPortraitSize * 3} <&3 3<&- | '${ffmpegPath()}' "$@" 3<&- &\nexec 3<&-\nwait $!\n`,
  );
  chmodSync(wrapper, 0o755);
  const server = await startWav2lip(context, path.join(folder, 'cache'), { WAV2LIP_FFMPEG: wrapper, WAV2LIP_BATCH: '8' });
  const engine = engineFor(server);
  context.after(() => engine.close());

  const received: VideoSegment[] = [];
  await assert.rejects(
    (async () => {
      for await (const segment of engine.render(chunks(tone(4, 16000), 16000), defaultPortraitPath)) received.push(segment);
    })(),
    (error: unknown) => {
      assert.ok(error instanceof PersonaError, String(error));
      assert.equal(error.code, 'service-unavailable');
      assert.equal(error.retryable, true);
      assert.match(error.message, /rendering over .*default-portrait\.png failed: ffmpeg stopped \(exit 0\) after 40 of 100 frames/);
      return true;
    },
  );
  assert.ok(received.every((segment) => !segment.final));

  // The same by hand: whole segments, then the error frame, last.
  const id = (await uploadPortrait(server, defaultPortraitPath)).body.id;
  const frames = await rawRender(server, id, encodeWav(tone(4, 16000), 16000));
  assert.deepEqual(frames.map((frame) => frame.type), [...frames.slice(0, -1).map(() => 'segment'), 'error']);
  assert.ok(frames.length >= 2, 'the 40 frames that went through arrive before the error');
  assert.deepEqual((await health(server)).renders, { finished: 0, cancelled: 0, failed: 2 });
});
