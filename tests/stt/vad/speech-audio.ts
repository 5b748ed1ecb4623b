import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readWav } from '../../../src/stt/vad/read-wav.js';
import { resample } from '../../../src/stt/vad/resample.js';

export const sampleRate = 16000;

/** Silero only fires on real speech, so the speech tests use a real TTS rather than a synthetic tone. */
export const espeakMissing: string | false =
  spawnSync('espeak-ng', ['--version'], { stdio: 'ignore' }).status === 0
    ? false
    : 'espeak-ng is not installed (apt-get install espeak-ng): Silero needs real speech for these tests';

/** Speaks `text` with espeak-ng and returns 16 kHz mono samples with the TTS's own leading/trailing silence trimmed. */
export function speak(text: string): Float32Array {
  const dir = mkdtempSync(path.join(tmpdir(), 'vad-speech-'));
  try {
    const file = path.join(dir, 'speech.wav');
    const result = spawnSync('espeak-ng', ['-v', 'en-us', '-s', '150', '-w', file, text], { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`espeak-ng failed: ${result.stderr}`);
    const wav = readWav(readFileSync(file), file);
    const samples = resample(wav.samples, wav.sampleRate, sampleRate);
    const span = voicedSpan(samples);
    return samples.slice(span.start, span.end);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** First and last sample louder than −34 dBFS: where the TTS actually speaks. */
export function voicedSpan(samples: Float32Array): { start: number; end: number } {
  const level = 0.02;
  let start = 0;
  while (start < samples.length && Math.abs(samples[start]!) < level) start++;
  let end = samples.length;
  while (end > start && Math.abs(samples[end - 1]!) < level) end--;
  return { start, end };
}

export function silence(ms: number): Float32Array {
  return new Float32Array((ms * sampleRate) / 1000);
}

/** Deterministic white noise (xorshift), uniform, scaled to the given RMS. */
export function whiteNoise(ms: number, rms: number, seed = 12345): Float32Array {
  const out = new Float32Array((ms * sampleRate) / 1000);
  let x = seed >>> 0 || 1;
  const scale = rms * Math.sqrt(3); // a uniform in [-a, a] has RMS a/√3
  for (let i = 0; i < out.length; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = ((x / 0xffffffff) * 2 - 1) * scale;
  }
  return out;
}

export function concat(...parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

export function toPcm16(samples: Float32Array): Int16Array {
  const out = new Int16Array(samples.length);
  for (let i = 0; i < samples.length; i++) out[i] = Math.max(-32768, Math.min(32767, Math.round(samples[i]! * 32768)));
  return out;
}

/** Streams audio in chunks like a socket would; `sent` counts the samples handed out so far. */
export function chunked<T extends Int16Array | Float32Array>(audio: T, chunkSize: number, progress = { sent: 0 }) {
  return (async function* (): AsyncGenerator<T> {
    for (let offset = 0; offset < audio.length; offset += chunkSize) {
      const chunk = audio.subarray(offset, offset + chunkSize) as T;
      progress.sent = offset + chunk.length;
      yield chunk;
    }
  })();
}

export async function collect<T>(events: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const event of events) out.push(event);
  return out;
}
