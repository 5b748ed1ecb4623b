/**
 * What makes a reference clip good for zero-shot cloning, measured: its length (XTTS does
 * best with 10–30 s of clean speech per clip) and its loudness (a clip that hits full scale
 * has been clipped, and the cloned voice inherits the distortion).
 */
export interface ClipQuality {
  seconds: number;
  /** Highest absolute sample, in dBFS (0 = full scale; -Infinity for silence). */
  peakDecibels: number;
  /** Samples in runs of two or more at (or within 0.2 % of) full scale: the mark of clipping. */
  clippedSamples: number;
}

export const recommendedClipSeconds = { min: 10, max: 30 } as const;
export const recommendedClipCount = 5;

/** |sample| at or above this is full scale (ffmpeg's resampler can land a clipped plateau a hair below 32767). */
const fullScale = 32700;

export function measureClip(samples: Int16Array, sampleRate: number): ClipQuality {
  let peak = 0;
  let clippedSamples = 0;
  let run = 0;
  for (const sample of samples) {
    const magnitude = Math.abs(sample);
    if (magnitude > peak) peak = magnitude;
    if (magnitude >= fullScale) {
      run++;
      if (run === 2) clippedSamples += 2;
      else if (run > 2) clippedSamples++;
    } else {
      run = 0;
    }
  }
  return {
    seconds: samples.length / sampleRate,
    peakDecibels: peak === 0 ? -Infinity : 20 * Math.log10(peak / 32768),
    clippedSamples,
  };
}

/** Warnings (never refusals) for one clip, each naming it. */
export function clipWarnings(name: string, quality: ClipQuality): string[] {
  const warnings: string[] = [];
  const seconds = quality.seconds.toFixed(1);
  if (quality.seconds < recommendedClipSeconds.min) warnings.push(`${name}: ${seconds} s is short; clips of ${recommendedClipSeconds.min}–${recommendedClipSeconds.max} s clone best`);
  if (quality.seconds > recommendedClipSeconds.max) warnings.push(`${name}: ${seconds} s is long; clips of ${recommendedClipSeconds.min}–${recommendedClipSeconds.max} s clone best (cut it into several)`);
  if (quality.clippedSamples > 0) warnings.push(`${name}: clipped (${quality.clippedSamples} samples at full scale); record it again at a lower level if you can`);
  else if (quality.peakDecibels < -30) warnings.push(`${name}: very quiet (peak ${quality.peakDecibels.toFixed(1)} dBFS)`);
  return warnings;
}
