import { VadError } from './vad-error.js';

/** Taps on each side of the windowed-sinc kernel: enough stop-band rejection for a VAD, cheap enough for seconds of audio. */
const halfWidth = 16;

/**
 * Converts mono audio to another sample rate with a Hann-windowed sinc. Downsampling
 * low-passes at the new Nyquist first, so TTS or 44.1/48 kHz mic audio does not alias
 * into the speech band the VAD listens to.
 */
export function resample(samples: Float32Array, fromRate: number, toRate: number): Float32Array {
  for (const [field, rate] of [['fromRate', fromRate], ['toRate', toRate]] as const) {
    if (!(Number.isFinite(rate) && rate > 0)) throw new VadError('input-unsupported', field, `must be a positive sample rate, got ${rate}`);
  }
  if (fromRate === toRate) return samples.slice();
  const ratio = toRate / fromRate;
  const cutoff = Math.min(1, ratio); // relative to the input's Nyquist
  const reach = halfWidth / cutoff; // kernel half-width in input samples
  const length = Math.floor(samples.length * ratio);
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) {
    const center = i / ratio;
    const first = Math.max(0, Math.ceil(center - reach));
    const last = Math.min(samples.length - 1, Math.floor(center + reach));
    let sum = 0;
    let weights = 0;
    for (let j = first; j <= last; j++) {
      const distance = j - center;
      const x = distance * cutoff;
      const sinc = x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
      const window = 0.5 + 0.5 * Math.cos((Math.PI * distance) / reach);
      const weight = sinc * window;
      sum += samples[j]! * weight;
      weights += weight;
    }
    // Normalising by the kernel sum keeps DC gain at 1, also at the edges where the kernel is cut.
    out[i] = weights === 0 ? 0 : sum / weights;
  }
  return out;
}
