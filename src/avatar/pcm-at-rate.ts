/**
 * PCM16 converted to one sample rate: an avatar's audio track has a single rate, while a turn
 * may mix engines (XTTS at 24 kHz falling back to espeak at 16 kHz). Chunk-by-chunk
 * conversion is good enough for speech; it is not a mastering resampler.
 */
import { resample } from '../stt/vad/resample.js';

export function pcmAtRate(pcm: Int16Array, fromRate: number, toRate: number): Int16Array {
  if (fromRate === toRate) return pcm;
  const floats = new Float32Array(pcm.length);
  for (let i = 0; i < pcm.length; i++) floats[i] = (pcm[i] ?? 0) / 32768;
  const converted = resample(floats, fromRate, toRate);
  const out = new Int16Array(converted.length);
  for (let i = 0; i < converted.length; i++) out[i] = Math.max(-32768, Math.min(32767, Math.round((converted[i] ?? 0) * 32768)));
  return out;
}
