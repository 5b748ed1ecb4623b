import { VadError } from './vad-error.js';

/** Float samples well outside [-1, 1] almost always mean PCM16 values stored as floats. */
const maxFloatMagnitude = 2;

/**
 * Converts one chunk of mic audio to float samples in [-1, 1], rejecting anything the model
 * would silently misread (bytes, unnormalised floats, NaN).
 */
export function toFloatSamples(chunk: unknown, index: number): Float32Array {
  if (chunk instanceof Int16Array) {
    const out = new Float32Array(chunk.length);
    for (let i = 0; i < chunk.length; i++) out[i] = chunk[i]! / 32768;
    return out;
  }
  if (chunk instanceof Float32Array) {
    for (let i = 0; i < chunk.length; i++) {
      const value = chunk[i]!;
      if (!Number.isFinite(value)) {
        throw new VadError('input-unsupported', `audio chunk ${index}`, `sample ${i} is ${value}; samples must be finite`);
      }
      if (Math.abs(value) > maxFloatMagnitude) {
        throw new VadError(
          'input-unsupported',
          `audio chunk ${index}`,
          `sample ${i} is ${value}; Float32Array samples must lie in [-1, 1] (pass PCM16 as an Int16Array)`,
        );
      }
    }
    return chunk;
  }
  const kind = chunk === null ? 'null' : typeof chunk === 'object' ? chunk.constructor?.name ?? 'object' : typeof chunk;
  throw new VadError(
    'input-unsupported',
    `audio chunk ${index}`,
    `expected an Int16Array (PCM16) or Float32Array of mono 16 kHz samples, got ${kind}` +
      (chunk instanceof Uint8Array ? '; wrap the bytes with new Int16Array(buffer, offset, length / 2)' : ''),
  );
}

/**
 * Re-chunks audio of any chunk length into fixed frames, so the detector sees the same frame
 * boundaries whatever sizes the network delivered: events do not depend on packetisation.
 */
export function createFrameChunker(frameSamples: number) {
  let pending = new Float32Array(frameSamples);
  let filled = 0;

  return {
    /** Whole frames completed by this chunk; each is a fresh array the caller may keep. */
    push(samples: Float32Array): Float32Array[] {
      const frames: Float32Array[] = [];
      let offset = 0;
      while (offset < samples.length) {
        const take = Math.min(frameSamples - filled, samples.length - offset);
        pending.set(samples.subarray(offset, offset + take), filled);
        filled += take;
        offset += take;
        if (filled === frameSamples) {
          frames.push(pending);
          pending = new Float32Array(frameSamples);
          filled = 0;
        }
      }
      return frames;
    },
    /** The samples left over at the end of the stream (fewer than a frame), if any. */
    flush(): Float32Array | undefined {
      if (filled === 0) return undefined;
      const rest = pending.slice(0, filled);
      filled = 0;
      return rest;
    },
  };
}
