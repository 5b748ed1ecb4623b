import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { encodeAudio, encodeAudioStream, formatFromPath } from '../../src/audio/encode-audio.js';
import { ffmpegPath } from '../../src/audio/ffmpeg-path.js';
import { InputError } from '../../src/errors.js';
import { readWav } from '../../src/stt/vad/read-wav.js';
import { temporaryFolder } from '../helpers/temporary-folder.js';

function tone(seconds: number, rate: number): Int16Array {
  const pcm = new Int16Array(Math.round(seconds * rate));
  for (let index = 0; index < pcm.length; index++) pcm[index] = Math.round(10000 * Math.sin((2 * Math.PI * 440 * index) / rate));
  return pcm;
}

/** What the real ffmpeg reads back from a file: its codec and its decoded length. */
function decode(file: string): { codec: string; seconds: number } {
  const result = spawnSync(ffmpegPath(), ['-hide_banner', '-i', file, '-f', 's16le', '-ac', '1', '-ar', '48000', 'pipe:1'], { maxBuffer: 64 * 1024 * 1024 });
  assert.equal(result.status, 0, result.stderr.toString());
  const codec = /Audio: (\w+)/.exec(result.stderr.toString())?.[1] ?? '';
  return { codec, seconds: result.stdout.length / 2 / 48000 };
}

test('wav, mp3 and ogg (Opus) files decode back to the same length', async (context) => {
  const folder = temporaryFolder(context);
  const pcm = tone(1.5, 24000);
  const expected = { wav: 'pcm_s16le', mp3: 'mp3', ogg: 'opus' } as const;
  for (const format of ['wav', 'mp3', 'ogg'] as const) {
    const bytes = await encodeAudio(pcm, 24000, format);
    const file = path.join(folder, `tone.${format}`);
    writeFileSync(file, bytes);
    const decoded = decode(file);
    assert.equal(decoded.codec, expected[format]);
    // Codecs pad a frame or two at the ends.
    assert.ok(Math.abs(decoded.seconds - 1.5) < 0.1, `${format}: ${decoded.seconds} s`);
  }
  const wav = readWav(await encodeAudio(pcm, 16000, 'wav'));
  assert.equal(wav.sampleRate, 16000);
  assert.equal(wav.samples.length, pcm.length);
});

test('formatFromPath takes the extension, and names the file it cannot write', () => {
  assert.equal(formatFromPath('out/answer.WAV'), 'wav');
  assert.equal(formatFromPath('answer.mp3'), 'mp3');
  assert.equal(formatFromPath('answer.ogg'), 'ogg');
  assert.equal(formatFromPath('answer.opus'), 'ogg');
  for (const file of ['answer.flac', 'answer']) {
    assert.throws(
      () => formatFromPath(file),
      (error: unknown) => error instanceof InputError && error.code === 'input-unsupported' && error.path === file && /\.wav, \.mp3 or \.ogg/.test(error.message),
    );
  }
});

test('the streaming encoder sends encoded bytes before the PCM has ended', async (context) => {
  for (const format of ['ogg', 'mp3', 'wav'] as const) {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let sourceDone = false;
    async function* source() {
      for (let index = 0; index < 5; index++) yield tone(0.2, 24000);
      await released; // the rest only after encoded bytes came out
      yield tone(0.5, 24000);
      sourceDone = true;
    }
    const pieces: Buffer[] = [];
    let bytesBeforeEnd = 0;
    for await (const piece of encodeAudioStream(source(), 24000, format)) {
      pieces.push(piece);
      if (!sourceDone) bytesBeforeEnd += piece.length;
      // Enough to show it streams: more than a header.
      if (bytesBeforeEnd > 200) release();
    }
    assert.ok(bytesBeforeEnd > 200, `${format}: ${bytesBeforeEnd} bytes before the PCM ended`);
    const file = path.join(temporaryFolder(context), `stream.${format}`);
    writeFileSync(file, Buffer.concat(pieces));
    assert.ok(Math.abs(decode(file).seconds - 1.5) < 0.1, `${format}: ${decode(file).seconds} s`);
  }
});

test('an abort stops the streaming encoder quietly; a failing source fails the stream', async () => {
  const controller = new AbortController();
  async function* endless() {
    for (;;) yield tone(0.1, 24000);
  }
  let pieces = 0;
  for await (const _piece of encodeAudioStream(endless(), 24000, 'ogg', { signal: controller.signal })) {
    pieces++;
    if (pieces === 3) controller.abort();
  }
  assert.equal(pieces, 3);

  async function* failing() {
    yield tone(0.1, 24000);
    throw new Error('the synthesiser died');
  }
  await assert.rejects(
    (async () => {
      for await (const _piece of encodeAudioStream(failing(), 24000, 'mp3'));
    })(),
    /the synthesiser died/,
  );
  await assert.rejects(encodeAudio(tone(0.1, 24000), 0, 'mp3'), /sample rate must be/);
});
