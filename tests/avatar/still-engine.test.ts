import assert from 'node:assert/strict';
import { readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { PersonaError } from '../../src/errors.js';
import { fragmentedMp4MimeType, type VideoSegment } from '../../src/avatar/avatar-engine.js';
import { defaultPortraitPath } from '../../src/avatar/draw-default-portrait.js';
import { topLevelBoxes } from '../../src/avatar/fragmented-mp4-segments.js';
import { renderVideoFile } from '../../src/avatar/render-video-file.js';
import { createStillAvatarEngine } from '../../src/avatar/still/still-engine.js';
import { isProcessAlive } from '../../src/process-alive.js';
import type { AudioChunk } from '../../src/tts/tts-engine.js';
import { temporaryFolder } from '../helpers/temporary-folder.js';
import { decodeErrors, probeMedia, tone } from './probe-media.js';

async function* chunked(pcm: Int16Array, sampleRate: number, samplesPerChunk: number): AsyncGenerator<AudioChunk> {
  for (let start = 0; start < pcm.length; start += samplesPerChunk) {
    yield { pcm: pcm.subarray(start, start + samplesPerChunk), sampleRate };
    await new Promise((resolve) => setImmediate(resolve));
  }
}

for (const [seconds, sampleRate] of [[2.37, 16000], [4.05, 24000]] as const) {
  test(`the still MP4 of ${seconds} s at ${sampleRate} Hz decodes, is H.264 + AAC, faststart, and as long as the audio`, async (context) => {
    const folder = temporaryFolder(context);
    const engine = createStillAvatarEngine();
    const outFile = path.join(folder, 'answer.mp4');
    const result = await renderVideoFile(engine, tone(seconds, sampleRate), sampleRate, defaultPortraitPath, outFile);
    assert.equal(result.seconds, Math.round(seconds * sampleRate) / sampleRate);
    const probe = probeMedia(outFile);
    assert.deepEqual(probe.streams.sort(), ['audio:aac', 'video:h264']);
    assert.ok(Math.abs(probe.seconds - seconds) <= 0.1, `video lasts ${probe.seconds} s, audio ${seconds} s`);
    assert.equal(decodeErrors(outFile), '');
    const boxes = topLevelBoxes(await import('node:fs').then((fs) => fs.readFileSync(outFile)));
    assert.ok(boxes.indexOf('moov') >= 0 && boxes.indexOf('moov') < boxes.indexOf('mdat'), `moov before mdat: ${boxes.join(' ')}`);
    assert.deepEqual(readdirSync(folder), ['answer.mp4'], 'no temporary file left');
    await engine.close();
  });
}

test('an odd-sized JPEG portrait is scaled to even sides and muxed', async (context) => {
  const folder = temporaryFolder(context);
  const portrait = path.join(folder, 'portrait.jpg');
  const { spawnSync } = await import('node:child_process');
  const { ffmpegPath } = await import('../../src/audio/ffmpeg-path.js');
  const made = spawnSync(ffmpegPath(), ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=301x223:rate=1', '-frames:v', '1', '-y', portrait]);
  assert.equal(made.status, 0);
  const outFile = path.join(folder, 'odd.mp4');
  await renderVideoFile(createStillAvatarEngine(), tone(1.5, 16000), 16000, portrait, outFile);
  assert.equal(decodeErrors(outFile), '');
  assert.ok(Math.abs(probeMedia(outFile).seconds - 1.5) <= 0.1);
});

test('a portrait that is not an image, or is missing, is an error naming it and leaves no file', async (context) => {
  const folder = temporaryFolder(context);
  const notImage = path.join(folder, 'portrait.png');
  writeFileSync(notImage, 'hello, I am text');
  const engine = createStillAvatarEngine();
  const outFile = path.join(folder, 'x.mp4');
  await assert.rejects(renderVideoFile(engine, tone(1, 16000), 16000, notImage, outFile), (error: unknown) => {
    assert.ok(error instanceof PersonaError);
    assert.equal(error.code, 'input-unsupported');
    assert.match(error.message, /portrait\.png/);
    return true;
  });
  const missing = path.join(folder, 'nobody.png');
  await assert.rejects(renderVideoFile(engine, tone(1, 16000), 16000, missing, outFile), /nobody\.png: the portrait cannot be read/);
  await assert.rejects(renderVideoFile(engine, new Int16Array(0), 16000, defaultPortraitPath, outFile), /no audio/);
  assert.deepEqual(readdirSync(folder), ['portrait.png']);
});

test('the live stream: the first segment holds ftyp + moov, each later one starts with moof, the last is final, and they decode joined', async (context) => {
  const folder = temporaryFolder(context);
  const engine = createStillAvatarEngine();
  const seconds = 3.3;
  const segments: VideoSegment[] = [];
  for await (const segment of engine.render(chunked(tone(seconds, 16000), 16000, 1600), defaultPortraitPath)) segments.push(segment);
  assert.ok(segments.length >= 3, `one segment per second of audio, got ${segments.length}`);
  assert.deepEqual(segments.map((s) => s.index), segments.map((_, i) => i));
  assert.deepEqual(segments.map((s) => s.final), segments.map((_, i) => i === segments.length - 1));
  for (const segment of segments) assert.equal(segment.mimeType, fragmentedMp4MimeType);
  const [first, ...rest] = segments;
  assert.deepEqual(topLevelBoxes(first!.data).slice(0, 4), ['ftyp', 'moov', 'moof', 'mdat']);
  for (const segment of rest) assert.deepEqual(topLevelBoxes(segment.data), ['moof', 'mdat']);
  const joined = path.join(folder, 'joined.mp4');
  writeFileSync(joined, Buffer.concat(segments.map((s) => s.data)));
  assert.equal(decodeErrors(joined), '');
  const probe = probeMedia(joined);
  assert.deepEqual(probe.streams.sort(), ['audio:aac', 'video:h264']);
  assert.ok(Math.abs(probe.seconds - seconds) <= 0.1, `live video lasts ${probe.seconds} s, audio ${seconds} s`);
});

test('audio at a second sample rate mid-stream is converted, not misread', async (context) => {
  const folder = temporaryFolder(context);
  async function* mixed(): AsyncGenerator<AudioChunk> {
    yield { pcm: tone(1, 24000), sampleRate: 24000 };
    yield { pcm: tone(1, 16000), sampleRate: 16000 };
  }
  const segments: Uint8Array[] = [];
  for await (const segment of createStillAvatarEngine().render(mixed(), defaultPortraitPath)) segments.push(segment.data);
  const joined = path.join(folder, 'mixed.mp4');
  writeFileSync(joined, Buffer.concat(segments));
  assert.ok(Math.abs(probeMedia(joined).seconds - 2) <= 0.1);
});

test('no audio gives no video and starts no ffmpeg', async () => {
  const engine = createStillAvatarEngine();
  async function* silent(): AsyncGenerator<AudioChunk> {}
  const segments = [];
  for await (const segment of engine.render(silent(), defaultPortraitPath)) segments.push(segment);
  assert.equal(segments.length, 0);
});

test('an abort mid-stream ends it quietly, kills ffmpeg, and tells the audio source to stop', async () => {
  const engine = createStillAvatarEngine();
  const controller = new AbortController();
  let sourceStopped = false;
  async function* endless(): AsyncGenerator<AudioChunk> {
    try {
      for (;;) {
        yield { pcm: tone(0.5, 16000), sampleRate: 16000 };
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    } finally {
      sourceStopped = true;
    }
  }
  let pid: number | undefined;
  let count = 0;
  for await (const segment of engine.render(endless(), defaultPortraitPath, { signal: controller.signal })) {
    count += 1;
    pid = engine.processIds[0];
    assert.ok(pid !== undefined && isProcessAlive(pid), 'ffmpeg is running');
    assert.equal(segment.final, false);
    if (count === 2) controller.abort();
  }
  assert.equal(count, 2, 'nothing after the abort');
  assert.equal(isProcessAlive(pid!), false, 'ffmpeg is gone');
  assert.deepEqual(engine.processIds, []);
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(sourceStopped, true);
});

test('a consumer that stops reading kills ffmpeg too', async () => {
  const engine = createStillAvatarEngine();
  async function* long(): AsyncGenerator<AudioChunk> {
    for (let i = 0; i < 100; i++) yield { pcm: tone(0.5, 16000), sampleRate: 16000 };
  }
  let pid: number | undefined;
  for await (const _segment of engine.render(long(), defaultPortraitPath)) {
    pid = engine.processIds[0];
    break;
  }
  assert.ok(pid !== undefined);
  assert.equal(isProcessAlive(pid), false);
});
