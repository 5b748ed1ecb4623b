/**
 * A streaming windowed-sinc resampler, used by both worklets: the mic's context rate down to
 * the 16 kHz the server hears, and each turn's rate up to the context rate for playback.
 *
 * The kernel's cut-off sits below the lower of the two Nyquist frequencies, so downsampling
 * filters out what would otherwise fold back as aliasing (dropping samples would not). The
 * kernel is tabulated for a fixed number of fractional phases, so 44.1 kHz → 16 kHz costs
 * no trigonometry per sample.
 */
export interface StreamResampler {
  readonly fromRate: number;
  readonly toRate: number;
  /** Resamples the next block; output lags input by the kernel's half-width. */
  push(input: Float32Array): Float32Array;
  /** Pushes enough silence to bring out the samples still held back by the kernel. */
  flush(): Float32Array;
  reset(): void;
}

export interface ResamplerOptions {
  /** Zero crossings each side of the kernel centre, at the lower rate (default 10). */
  zeroCrossings?: number;
  /** Fractional positions the kernel is tabulated for (default 64). */
  phases?: number;
  /** Cut-off as a fraction of the lower Nyquist frequency (default 0.9). */
  cutoff?: number;
}

export function createResampler(fromRate: number, toRate: number, options: ResamplerOptions = {}): StreamResampler {
  if (!(fromRate > 0) || !(toRate > 0)) throw new RangeError(`resampler rates must be positive; got ${fromRate} → ${toRate}`);
  const step = fromRate / toRate;
  const passthrough = fromRate === toRate;
  const phases = options.phases ?? 64;
  // Cut-off in cycles per input sample; the kernel widens with the decimation factor.
  const cutoff = (0.5 * (options.cutoff ?? 0.9)) / Math.max(1, step);
  const halfWidth = Math.ceil((options.zeroCrossings ?? 10) * Math.max(1, step));
  const table = tabulateKernel(cutoff, halfWidth, phases);
  const width = 2 * halfWidth;

  let history = new Float32Array(0);
  // Position of the next output sample, in input samples relative to history[0].
  let position = 0;

  function push(input: Float32Array): Float32Array {
    if (passthrough) return input.slice();
    const joined = new Float32Array(history.length + input.length);
    joined.set(history);
    joined.set(input, history.length);
    const available = joined.length;
    const outputs = new Float32Array(Math.max(0, Math.ceil((available - halfWidth - position) / step) + 1));
    let count = 0;
    for (;;) {
      const whole = Math.floor(position);
      // One sample of margin: a phase that rounds up to the next whole sample reaches one further.
      if (whole + halfWidth + 1 >= available) break;
      let phase = Math.round((position - whole) * phases);
      let base = whole - halfWidth + 1;
      if (phase === phases) {
        phase = 0;
        base += 1;
      }
      const kernel = phase * width;
      let sum = 0;
      for (let tap = 0; tap < width; tap++) {
        const index = base + tap;
        if (index >= 0) sum += joined[index]! * table[kernel + tap]!;
      }
      outputs[count++] = sum;
      position += step;
    }
    // Keep only what the next output still needs.
    const keepFrom = Math.max(0, Math.min(available, Math.floor(position) - halfWidth + 1));
    history = joined.slice(keepFrom);
    position -= keepFrom;
    return outputs.subarray(0, count);
  }

  return {
    fromRate,
    toRate,
    push,
    flush() {
      if (passthrough) return new Float32Array(0);
      return push(new Float32Array(halfWidth + 2));
    },
    reset() {
      history = new Float32Array(0);
      position = 0;
    },
  };
}

/** Blackman-windowed sinc taps for each phase, each phase normalised to unit gain at DC. */
function tabulateKernel(cutoff: number, halfWidth: number, phases: number): Float32Array {
  const width = 2 * halfWidth;
  const table = new Float32Array(phases * width);
  for (let phase = 0; phase < phases; phase++) {
    const fraction = phase / phases;
    let sum = 0;
    for (let tap = 0; tap < width; tap++) {
      // Distance from the output instant to this input sample.
      const distance = tap - halfWidth + 1 - fraction;
      const argument = 2 * cutoff * distance;
      const sinc = argument === 0 ? 1 : Math.sin(Math.PI * argument) / (Math.PI * argument);
      const windowPosition = (distance + halfWidth) / width;
      const window = windowPosition <= 0 || windowPosition >= 1 ? 0 : 0.42 - 0.5 * Math.cos(2 * Math.PI * windowPosition) + 0.08 * Math.cos(4 * Math.PI * windowPosition);
      const value = sinc * window;
      table[phase * width + tap] = value;
      sum += value;
    }
    for (let tap = 0; tap < width; tap++) table[phase * width + tap]! /= sum;
  }
  return table;
}
