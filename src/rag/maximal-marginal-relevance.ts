/**
 * Maximal marginal relevance: pick results one by one, trading relevance against
 * similarity to what is already picked, so five near-identical passages (the same
 * paragraph quoted down a thread) do not crowd out the rest. Similarity here is the
 * word-set overlap of the texts: cheap, and it catches exactly those repeats.
 */
export interface MmrCandidate {
  id: number;
  relevance: number;
  text: string;
}

export function maximalMarginalRelevance<T extends MmrCandidate>(candidates: readonly T[], k: number, lambda = 0.7): T[] {
  if (candidates.length <= 1) return candidates.slice(0, k);
  // Relative to the best, not min-max: the weakest candidate should not look worthless.
  const maxRelevance = Math.max(...candidates.map((candidate) => candidate.relevance)) || 1;
  const wordSets = new Map(candidates.map((candidate) => [candidate.id, wordSet(candidate.text)]));
  const remaining = [...candidates];
  const picked: T[] = [];
  while (picked.length < k && remaining.length > 0) {
    let bestIndex = 0;
    let bestScore = -Infinity;
    remaining.forEach((candidate, index) => {
      const relevance = candidate.relevance / maxRelevance;
      const redundancy = Math.max(0, ...picked.map((chosen) => jaccard(wordSets.get(candidate.id)!, wordSets.get(chosen.id)!)));
      const score = lambda * relevance - (1 - lambda) * redundancy;
      if (score > bestScore) {
        bestScore = score;
        bestIndex = index;
      }
    });
    picked.push(remaining.splice(bestIndex, 1)[0]!);
  }
  return picked;
}

function wordSet(text: string): Set<string> {
  return new Set(text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []);
}

function jaccard(left: Set<string>, right: Set<string>): number {
  if (left.size === 0 || right.size === 0) return 0;
  let shared = 0;
  for (const word of left) if (right.has(word)) shared += 1;
  return shared / (left.size + right.size - shared);
}
