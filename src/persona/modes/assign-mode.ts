/**
 * Which stored mode a text belongs to, without an embedder: the mode whose distinctive
 * terms the text uses most, weighted by rank (the first terms say the most). A synchronous
 * stand-in for the nearest embedding centroid, which the store has no column for yet.
 * A text that uses none of any mode's terms belongs to none.
 */
import type { StoredMode } from './mode-repository.js';
import { contentTerms } from './tokenize-terms.js';

export function createModeAssigner(modes: readonly Pick<StoredMode, 'mode' | 'terms'>[]): (text: string) => string | undefined {
  const weights = modes.map((mode) => new Map(mode.terms.map((term, rank) => [term, 1 / Math.sqrt(rank + 1)])));
  return (text) => {
    const terms = contentTerms(text);
    let best: { mode: string; score: number } | undefined;
    modes.forEach((mode, index) => {
      let score = 0;
      for (const term of terms) score += weights[index]!.get(term) ?? 0;
      if (score > 0 && (best === undefined || score > best.score)) best = { mode: mode.mode, score };
    });
    return best?.mode;
  };
}
