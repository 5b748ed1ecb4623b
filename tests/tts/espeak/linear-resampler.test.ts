import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLinearResampler } from '../../../src/tts/espeak/linear-resampler.js';
import { createWavStreamParser } from '../../../src/tts/espeak/wav-stream-parser.js';
import { TtsError } from '../../../src/tts/tts-engine.js';

function sine(length: number, rate: number, hz: number): Int16Array {
  return Int16Array.from({ length }, (_, i) => Math.round(10000 * Math.sin((2 * Math.PI * hz * i) / rate)));
}

test('the output does not depend on how the input is cut', () => {
  const input = sine(22050, 22050, 440);
  const whole = createLinearResampler(22050, 16000).push(input);
  const cut = createLinearResampler(22050, 16000);
  const parts: number[] = [];
  for (let at = 0; at < input.length; ) {
    const size = 1 + ((at * 7919) % 997);
    parts.push(...cut.push(input.subarray(at, at + size)));
    at += size;
  }
  assert.deepEqual(Int16Array.from(parts), whole);
  assert.ok(Math.abs(whole.length - 16000) <= 1);
});

test('a tone keeps its frequency and level', () => {
  const out = createLinearResampler(22050, 16000).push(sine(22050, 22050, 440));
  let crossings = 0;
  for (let i = 1; i < out.length; i++) if ((out[i - 1]! < 0) !== (out[i]! < 0)) crossings++;
  assert.ok(Math.abs(crossings / 2 - 440) <= 2, `${crossings / 2} Hz`);
  const peak = Math.max(...out);
  assert.ok(peak > 9000 && peak <= 10000, `peak ${peak}`);
});

function wavHeader(dataSize: number, extra = Buffer.alloc(0)): Buffer {
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'latin1');
  header.writeUInt32LE(0x7ffff024, 4);
  header.write('WAVE', 8, 'latin1');
  header.write('fmt ', 12, 'latin1');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(22050, 24);
  header.writeUInt32LE(44100, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'latin1');
  header.writeUInt32LE(dataSize, 40);
  return Buffer.concat([header.subarray(0, 36), extra, header.subarray(36)]);
}

test('a streamed WAV with a bogus length is read to the end, byte by byte', () => {
  const list = Buffer.concat([Buffer.from('LIST', 'latin1'), Buffer.from([3, 0, 0, 0]), Buffer.from('abc\0', 'latin1')]);
  const samples = Int16Array.from([1, -2, 300, -32768, 32767]);
  const bytes = Buffer.concat([wavHeader(0x7ffff000, list), Buffer.from(samples.buffer)]);
  const parser = createWavStreamParser('test');
  const out: number[] = [];
  for (const byte of bytes) out.push(...parser.push(Uint8Array.of(byte)));
  assert.deepEqual(out, [...samples]);
  assert.deepEqual(parser.format, { sampleRate: 22050, channels: 1, bitsPerSample: 16 });
});

test('output that is not a WAV is a typed error', () => {
  assert.throws(() => createWavStreamParser('test').push(Buffer.from('usage: espeak-ng [options]')), TtsError);
});
