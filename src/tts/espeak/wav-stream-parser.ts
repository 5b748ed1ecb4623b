/**
 * Reads a WAV file as it streams in: the RIFF header first, then 16-bit PCM samples as they
 * arrive. Streaming writers (espeak-ng `--stdout`) cannot know the length up front and put a
 * placeholder in the RIFF and `data` sizes (0x7ffff000), so the `data` size is ignored and the
 * samples run to the end of the stream. Stereo is mixed down to mono.
 */
import { TtsError } from '../tts-engine.js';

export interface WavFormat {
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
}

/** A header larger than this is not a WAV header. */
const maxHeaderBytes = 64 * 1024;

export interface WavStreamParser {
  /** The format, once the header has been read. */
  readonly format: WavFormat | undefined;
  /** Feeds bytes; returns the whole mono samples they complete (possibly none). */
  push(bytes: Uint8Array): Int16Array;
}

export function createWavStreamParser(source: string): WavStreamParser {
  let pending: Buffer = Buffer.alloc(0);
  let format: WavFormat | undefined;
  let inData = false;

  const fail = (reason: string): never => {
    throw new TtsError('service-unavailable', `${source}: output is not a 16-bit PCM WAV stream (${reason})`);
  };

  /** Consumes the header from `pending`; true once the data chunk has started. */
  const readHeader = (): boolean => {
    if (pending.length < 12) return false;
    if (pending.toString('latin1', 0, 4) !== 'RIFF' || pending.toString('latin1', 8, 12) !== 'WAVE') fail('no RIFF/WAVE signature');
    let at = 12;
    for (;;) {
      if (pending.length < at + 8) break;
      const id = pending.toString('latin1', at, at + 4);
      const size = pending.readUInt32LE(at + 4);
      if (id === 'data') {
        if (!format) fail('data before fmt');
        pending = pending.subarray(at + 8);
        return true;
      }
      const end = at + 8 + size + (size % 2);
      if (pending.length < end) break;
      if (id === 'fmt ') {
        if (size < 16) fail('short fmt chunk');
        const audioFormat = pending.readUInt16LE(at + 8);
        const channels = pending.readUInt16LE(at + 10);
        const sampleRate = pending.readUInt32LE(at + 12);
        const bitsPerSample = pending.readUInt16LE(at + 22);
        if ((audioFormat !== 1 && audioFormat !== 0xfffe) || bitsPerSample !== 16) fail(`format ${audioFormat}, ${bitsPerSample} bits`);
        if (channels < 1 || sampleRate < 1) fail(`${channels} channels at ${sampleRate} Hz`);
        format = { sampleRate, channels, bitsPerSample };
      }
      at = end;
    }
    if (pending.length > maxHeaderBytes) fail('no data chunk');
    return false;
  };

  return {
    get format() {
      return format;
    },
    push(bytes) {
      pending = pending.length === 0 ? Buffer.from(bytes) : Buffer.concat([pending, bytes]);
      if (!inData) {
        inData = readHeader();
        if (!inData) return new Int16Array(0);
      }
      const channels = format!.channels;
      const frameBytes = 2 * channels;
      const frames = Math.floor(pending.length / frameBytes);
      const samples = new Int16Array(frames);
      for (let frame = 0; frame < frames; frame++) {
        let sum = 0;
        for (let channel = 0; channel < channels; channel++) sum += pending.readInt16LE(frame * frameBytes + channel * 2);
        samples[frame] = Math.round(sum / channels);
      }
      // Keep a split sample (or frame) for the next push.
      pending = Buffer.from(pending.subarray(frames * frameBytes));
      return samples;
    },
  };
}
