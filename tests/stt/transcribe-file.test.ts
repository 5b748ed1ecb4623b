/**
 * Decoding audio files with the real ffmpeg, and whole files through real engines:
 * pocketsphinx for speech, and the openai engine against a local transcription server
 * (the far side of a network) to see how long files are cut into pieces.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { encodeWav } from '../../src/audio/wav-file.js';
import { ffmpegPath } from '../../src/audio/ffmpeg-path.js';
import { InputError, PersonaError } from '../../src/errors.js';
import { decodeAudioFile } from '../../src/stt/decode-audio.js';
import { createOpenAiSttEngine } from '../../src/stt/openai/openai-stt-engine.js';
import { createPocketsphinxEngine } from '../../src/stt/pocketsphinx/pocketsphinx-engine.js';
import { splitAtPauses, transcribeFile } from '../../src/stt/transcribe-file.js';
import { temporaryFolder } from '../helpers/temporary-folder.js';

const librivoxClip = '/usr/share/pocketsphinx/test/data/librivox/sense_and_sensibility_01_austen_64kb-0880.wav';

function ffmpeg(...args: string[]): void {
  execFileSync(ffmpegPath(), ['-nostdin', '-v', 'error', '-y', ...args]);
}

function espeakWav(file: string, text: string): string {
  const result = spawnSync('espeak-ng', ['-v', 'en-us', '-s', '150', '-w', file, text], { encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  return file;
}

async function* single(samples: Float32Array): AsyncGenerator<Float32Array> {
  yield samples;
}

describe('decodeAudioFile', () => {
  test('an espeak-ng WAV (22 050 Hz) comes out at 16 kHz, and its MP3, Ogg/Opus and WebM copies alike', async (context) => {
    const folder = temporaryFolder(context);
    const wav = espeakWav(path.join(folder, 'speech.wav'), 'The footbridge drains into the river.');
    const source = readFileSync(wav);
    const seconds = source.readUInt32LE(40) / 2 / source.readUInt32LE(24);
    const decoded = await decodeAudioFile(wav);
    assert.ok(Math.abs(decoded.length - seconds * 16000) <= 16, `${decoded.length} samples for ${seconds} s`);
    const rms = (samples: Float32Array) => Math.sqrt(samples.reduce((sum, value) => sum + value * value, 0) / samples.length);
    for (const [extension, codec] of [['mp3', ['-c:a', 'libmp3lame', '-b:a', '128k']], ['ogg', ['-c:a', 'libopus']], ['webm', ['-c:a', 'libopus']]] as const) {
      const copy = path.join(folder, `speech.${extension}`);
      ffmpeg('-i', wav, ...codec, copy);
      const samples = await decodeAudioFile(copy);
      // Encoders pad the start and end by a frame or two.
      assert.ok(Math.abs(samples.length - decoded.length) < 0.1 * 16000, `${extension}: ${samples.length} vs ${decoded.length}`);
      assert.ok(Math.abs(rms(samples) - rms(decoded)) < 0.2 * rms(decoded), `${extension}: loudness kept`);
    }
  });

  test('a 16 kHz mono PCM16 WAV is read as it is, sample for sample', async (context) => {
    const file = path.join(temporaryFolder(context), 'plain.wav');
    const pcm = Int16Array.from({ length: 1600 }, (_, index) => Math.round(Math.sin(index / 9) * 12000));
    writeFileSync(file, encodeWav(pcm, 16000));
    const samples = await decodeAudioFile(file);
    assert.deepEqual(Array.from(samples), Array.from(pcm, (value) => value / 32768));
  });

  const broken: Array<[string, string, Buffer | undefined, RegExp]> = [
    ['random bytes named .mp3', 'noise.mp3', Buffer.from(Array.from({ length: 4000 }, (_, index) => (index * 7919) % 251)), /ffmpeg can(not)? decode \(.+\)/],
    ['a text file', 'notes.wav', Buffer.from('These are my notes, not a recording.\n'.repeat(20)), /ffmpeg can(not)? decode \(.+\)/],
    ['an empty file', 'empty.ogg', Buffer.alloc(0), /is empty/],
    ['a WAV with a header and no samples', 'header-only.wav', encodeWav(new Int16Array(0), 22050), /has no audio/],
    ['a missing file', 'missing.mp3', undefined, /does not exist/],
  ];
  for (const [name, fileName, bytes, reason] of broken) {
    test(`${name} is an InputError naming the file`, async (context) => {
      const file = path.join(temporaryFolder(context), fileName);
      if (bytes) writeFileSync(file, bytes);
      await assert.rejects(decodeAudioFile(file), (error: unknown) => {
        assert.ok(error instanceof InputError, String(error));
        assert.equal(error.path, file);
        assert.equal(error.code, 'input-unreadable');
        assert.match(error.reason, reason);
        assert.ok(!error.message.includes('\n'), 'one line');
        return true;
      });
    });
  }

  test('an abort stops ffmpeg and rejects as aborted', async (context) => {
    const file = path.join(temporaryFolder(context), 'long.mp3');
    ffmpeg('-f', 'lavfi', '-i', 'sine=frequency=300:duration=120', '-c:a', 'libmp3lame', file);
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(decodeAudioFile(file, { signal: controller.signal }), (error: unknown) => error instanceof PersonaError && error.code === 'aborted');
  });
});

describe('transcribeFile with pocketsphinx', () => {
  const engine = createPocketsphinxEngine();
  after(() => engine.close());

  test('an espeak-ng WAV gives text, and a lossless FLAC copy the same text', async (context) => {
    const folder = temporaryFolder(context);
    const wav = espeakWav(path.join(folder, 'speech.wav'), 'Hello, my name is Meera. I design bridges over the river.');
    const fromWav = await transcribeFile(engine, wav);
    assert.ok(fromWav.text.length > 0);
    assert.ok(fromWav.segments.length > 0);
    const flac = path.join(folder, 'speech.flac');
    ffmpeg('-i', wav, '-c:a', 'flac', flac);
    assert.equal((await transcribeFile(engine, flac)).text, fromWav.text);
  });

  test('MP3 and Ogg/Opus copies of a real recording give the same text as the WAV', async (context) => {
    const folder = temporaryFolder(context);
    const fromWav = await transcribeFile(engine, librivoxClip);
    assert.match(fromWav.text, /young man/);
    for (const [extension, codec] of [['mp3', ['-c:a', 'libmp3lame', '-b:a', '128k']], ['ogg', ['-c:a', 'libopus', '-b:a', '64k']]] as const) {
      const copy = path.join(folder, `clip.${extension}`);
      ffmpeg('-i', librivoxClip, ...codec, copy);
      assert.equal((await transcribeFile(engine, copy)).text, fromWav.text, extension);
    }
  });
});

describe('long files on a windowed engine', () => {
  let server: Server;
  let baseUrl: string;
  /** Seconds of audio in each upload. */
  const uploads: number[] = [];

  before(async () => {
    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = Buffer.concat(chunks);
        const wavStart = body.indexOf('RIFF');
        const seconds = body.readUInt32LE(wavStart + 40) / 2 / body.readUInt32LE(wavStart + 24);
        uploads.push(seconds);
        const piece = uploads.length;
        response.writeHead(200, { 'content-type': 'application/json' }).end(
          JSON.stringify({ text: ` piece ${piece}`, segments: [{ start: 0.5, end: seconds - 0.5, text: ` piece ${piece}` }] }),
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  test('a 70 s file goes up in pieces of at most 30 s, cut at pauses, with segment offsets in file time', async (context) => {
    const file = path.join(temporaryFolder(context), 'talk.ogg');
    // Tone bursts with a 1 s pause every 12 s: the cuts should fall in pauses, not mid-tone.
    ffmpeg('-f', 'lavfi', '-i', "aevalsrc='0.4*sin(2*PI*220*t)*lt(mod(t,12),11)':s=16000:d=70", '-c:a', 'libopus', file);
    uploads.length = 0;
    const engine = createOpenAiSttEngine({ baseUrl, model: 'whisper-1' });
    const transcript = await transcribeFile(engine, file);
    assert.equal(uploads.length, 3, `pieces: ${uploads.join(', ')}`);
    assert.ok(uploads.every((seconds) => seconds <= 30), `pieces: ${uploads.join(', ')}`);
    assert.ok(Math.abs(uploads.reduce((sum, seconds) => sum + seconds, 0) - 70) < 0.1, 'no audio lost or repeated');
    // Pauses are 11–12 s, 23–24 s, …: each cut lands in one.
    let cut = 0;
    for (const seconds of uploads.slice(0, -1)) {
      cut += seconds;
      assert.ok(cut % 12 > 11 - 0.05, `cut at ${cut.toFixed(2)} s is not in a pause`);
    }
    assert.equal(transcript.text, 'piece 1 piece 2 piece 3');
    assert.deepEqual(
      transcript.segments.map((segment) => segment.text),
      ['piece 1', 'piece 2', 'piece 3'],
    );
    assert.equal(transcript.segments[1]!.startMs, Math.round(uploads[0]! * 1000) + 500);
  });

  test('splitAtPauses keeps every sample once, in order', async () => {
    const samples = Float32Array.from({ length: 100_000 }, (_, index) => Math.sin(index / 3) * (index % 40_000 < 30_000 ? 1 : 0));
    const pieces = [];
    for await (const piece of splitAtPauses(single(samples), 48_000)) pieces.push(piece);
    let expectedStart = 0;
    for (const piece of pieces) {
      assert.equal(piece.start, expectedStart);
      assert.ok(piece.samples.length <= 48_000);
      assert.deepEqual(piece.samples, samples.subarray(piece.start, piece.start + piece.samples.length));
      expectedStart += piece.samples.length;
    }
    assert.equal(expectedStart, samples.length);
  });
});
