/**
 * A streaming linear-interpolation resampler for mono 16-bit PCM: chunks in, chunks out, with
 * the last input sample and the fractional position carried across chunks, so the output is
 * the same however the input was cut. Downsampling first runs a 3-tap low-pass to tame the
 * worst aliasing; this is for speech from a robotic synthesiser, not for music.
 */
export interface LinearResampler {
  push(samples: Int16Array): Int16Array;
}

export function createLinearResampler(fromRate: number, toRate: number): LinearResampler {
  if (fromRate === toRate) return { push: (samples) => samples };
  const smooth = toRate < fromRate;
  /** The previous chunk's last (filtered) sample. */
  let previous: number | undefined;
  /** Input samples received and output samples produced so far. */
  let received = 0;
  let produced = 0;
  /** Raw samples the low-pass still needs for its centred tap. */
  let rawBefore = 0;
  let rawLast: number | undefined;

  const lowPass = (samples: Int16Array): Float32Array => {
    // Centred [1 2 1]/4 delayed by one sample, so it never needs a future chunk.
    const out = new Float32Array(samples.length);
    for (let i = 0; i < samples.length; i++) {
      const current = samples[i]!;
      const middle = rawLast ?? current;
      const before = rawLast === undefined ? current : rawBefore;
      out[i] = (before + 2 * middle + current) / 4;
      rawBefore = middle;
      rawLast = current;
    }
    return out;
  };

  return {
    push(samples) {
      if (samples.length === 0) return new Int16Array(0);
      const input = smooth ? lowPass(samples) : Float32Array.from(samples);
      // Global input index of `input[0]`; the previous chunk's last sample sits just before it.
      const base = received;
      received += input.length;
      const at = (global: number): number => (global < base ? previous! : input[global - base]!);
      const out: number[] = [];
      for (;;) {
        // Exact integer arithmetic for the position, so rounding never depends on the cuts.
        const scaled = produced * fromRate;
        const index = Math.floor(scaled / toRate);
        const remainder = scaled - index * toRate;
        if (index > received - 1 || (remainder !== 0 && index + 1 > received - 1)) break;
        const fraction = remainder / toRate;
        const value = remainder === 0 ? at(index) : at(index) * (1 - fraction) + at(index + 1) * fraction;
        out.push(Math.max(-32768, Math.min(32767, Math.round(value))));
        produced++;
      }
      previous = input[input.length - 1];
      return Int16Array.from(out);
    },
  };
}
