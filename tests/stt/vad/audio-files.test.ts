import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readWav } from '../../../src/stt/vad/read-wav.js';
import { resample } from '../../../src/stt/vad/resample.js';
import { VadError } from '../../../src/stt/vad/vad-error.js';

function pcm16Wav(samples: Int16Array, rate: number, channels = 1, dataSize?: number): Uint8Array {
  const bytes = new Uint8Array(44 + samples.length * 2);
  const view = new DataView(bytes.buffer);
  const ascii = (offset: number, text: string) => [...text].forEach((c, i) => view.setUint8(offset + i, c.charCodeAt(0)));
  ascii(0, 'RIFF');
  view.setUint32(4, 36 + samples.length * 2, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true);
  view.setUint16(22, channels, true);
  view.setUint32(24, rate, true);
  view.setUint32(28, rate * channels * 2, true);
  view.setUint16(32, channels * 2, true);
  view.setUint16(34, 16, true);
  ascii(36, 'data');
  view.setUint32(40, dataSize ?? samples.length * 2, true);
  samples.forEach((value, i) => view.setInt16(44 + i * 2, value, true));
  return bytes;
}

test('readWav reads PCM16, averages channels, and tolerates streamed (0xFFFFFFFF) sizes', () => {
  const mono = readWav(pcm16Wav(Int16Array.of(0, 16384, -32768), 22050));
  assert.equal(mono.sampleRate, 22050);
  assert.deepEqual([...mono.samples], [0, 0.5, -1]);
  const stereo = readWav(pcm16Wav(Int16Array.of(16384, 0, -16384, -16384), 16000, 2));
  assert.deepEqual([...stereo.samples], [0.25, -0.5]);
  assert.equal(readWav(pcm16Wav(Int16Array.of(1, 2, 3), 16000, 1, 0xffffffff)).samples.length, 3);
});

test('readWav names the file and what is wrong with it', () => {
  assert.throws(() => readWav(new Uint8Array(10), 'mic.raw'), (error: unknown) => {
    assert.ok(error instanceof VadError);
    assert.equal(error.field, 'mic.raw');
    assert.match(error.message, /not a RIFF\/WAVE file/);
    return true;
  });
  const eightBit = pcm16Wav(Int16Array.of(0), 16000);
  new DataView(eightBit.buffer).setUint16(34, 8, true);
  assert.throws(() => readWav(eightBit, 'old.wav'), /old\.wav: format 1 with 8 bits/);
});

test('resample keeps a tone its frequency and level, and removes what the new rate cannot carry', () => {
  const from = 22050;
  const tone = (hz: number) => Float32Array.from({ length: from }, (_, i) => 0.5 * Math.sin((2 * Math.PI * hz * i) / from));
  const rms = (samples: Float32Array) => Math.sqrt(samples.reduce((sum, x) => sum + x * x, 0) / samples.length);

  const kept = resample(tone(1000), from, 16000);
  assert.equal(kept.length, 16000);
  const middle = kept.subarray(1000, 15000);
  assert.ok(Math.abs(rms(middle) - 0.5 / Math.SQRT2) < 0.01, `rms ${rms(middle)}`);
  let crossings = 0;
  for (let i = 1; i < middle.length; i++) if (middle[i - 1]! < 0 !== middle[i]! < 0) crossings++;
  assert.ok(Math.abs(crossings - 2 * 1000 * (middle.length / 16000)) <= 2, `${crossings} zero crossings`);

  const aliased = resample(tone(10000), from, 16000); // above the 8 kHz Nyquist of the output
  assert.ok(rms(aliased.subarray(1000, 15000)) < 0.02, `rms ${rms(aliased)}`);
  assert.throws(() => resample(new Float32Array(4), 0, 16000), /fromRate/);
});
