/**
 * The last few seconds of a session's mic audio, addressed by absolute sample position.
 * The VAD confirms speech only after `minSpeechMs` and reports where it began (padding
 * included); by then that audio has already arrived, so STT takes it from here and then
 * follows the live frames.
 */
export interface MicHistory {
  /** Samples received since the session began. */
  readonly received: number;
  append(samples: Float32Array): void;
  /** The samples from `position` to the newest one (clipped to what is still kept). */
  since(position: number): Float32Array;
}

export function createMicHistory(keepSamples: number): MicHistory {
  const chunks: { start: number; samples: Float32Array }[] = [];
  let received = 0;
  let kept = 0;

  return {
    get received() {
      return received;
    },
    append(samples) {
      chunks.push({ start: received, samples });
      received += samples.length;
      kept += samples.length;
      while (chunks.length > 1 && kept - chunks[0]!.samples.length >= keepSamples) kept -= chunks.shift()!.samples.length;
    },
    since(position) {
      const parts: Float32Array[] = [];
      for (const chunk of chunks) {
        const end = chunk.start + chunk.samples.length;
        if (end <= position) continue;
        parts.push(chunk.start >= position ? chunk.samples : chunk.samples.subarray(position - chunk.start));
      }
      const total = parts.reduce((sum, part) => sum + part.length, 0);
      const joined = new Float32Array(total);
      let offset = 0;
      for (const part of parts) {
        joined.set(part, offset);
        offset += part.length;
      }
      return joined;
    },
  };
}
