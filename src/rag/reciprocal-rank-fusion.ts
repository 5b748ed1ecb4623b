/**
 * Reciprocal rank fusion: each list votes 1 / (k + rank) for its items. Scores from BM25
 * and cosine similarity are not comparable; ranks are. k = 60 is the usual constant.
 */
export interface FusedResult {
  id: number;
  score: number;
  /** 1-based rank in each input list, when the item was in it. */
  ranks: (number | undefined)[];
}

export function reciprocalRankFusion(lists: readonly (readonly number[])[], k = 60): FusedResult[] {
  const fused = new Map<number, FusedResult>();
  lists.forEach((list, listIndex) => {
    list.forEach((id, position) => {
      let entry = fused.get(id);
      if (!entry) {
        entry = { id, score: 0, ranks: lists.map(() => undefined) };
        fused.set(id, entry);
      }
      entry.score += 1 / (k + position + 1);
      entry.ranks[listIndex] = position + 1;
    });
  });
  return [...fused.values()].sort((left, right) => right.score - left.score || left.id - right.id);
}
