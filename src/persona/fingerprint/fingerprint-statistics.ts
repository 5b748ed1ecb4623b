/** Small statistics the fingerprint is made of: tallies, shares, rounding, medians, MATTR. */
import type { Share } from './fingerprint-shape.js';

const MOVING_WINDOW = 50;

/** Counts of one value, kept in first-seen order so ties break the same way every run. */
export function tally(values: Iterable<string>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return counts;
}

export function topShares(counts: Map<string, number>, limit: number): Share[] {
  const total = [...counts.values()].reduce((sum, count) => sum + count, 0);
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([value, count]) => ({ value, count, share: round(count / total) }));
}

export function round(value: number, digits = 4): number {
  if (!Number.isFinite(value)) return 0;
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

export function ratio(part: number, whole: number): number {
  return whole > 0 ? part / whole : 0;
}

export function median(values: readonly number[]): number {
  if (!values.length) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** The type–token ratio averaged over every window of 50 words (Covington and McFall's MATTR). */
export function movingAverageTypeTokenRatio(forms: readonly string[]): number {
  if (forms.length === 0) return 0;
  if (forms.length <= MOVING_WINDOW) return new Set(forms).size / forms.length;
  const window = new Map<string, number>();
  for (let index = 0; index < MOVING_WINDOW; index += 1) window.set(forms[index]!, (window.get(forms[index]!) ?? 0) + 1);
  let sum = window.size;
  for (let index = MOVING_WINDOW; index < forms.length; index += 1) {
    const leaving = forms[index - MOVING_WINDOW]!;
    const left = window.get(leaving)! - 1;
    if (left === 0) window.delete(leaving);
    else window.set(leaving, left);
    window.set(forms[index]!, (window.get(forms[index]!) ?? 0) + 1);
    sum += window.size;
  }
  return sum / (forms.length - MOVING_WINDOW + 1) / MOVING_WINDOW;
}
