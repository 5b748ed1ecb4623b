/**
 * The terms that set one group of messages apart from the rest: document frequency in the
 * group against the rest, scored as p·log(p/q) (the group's share of the relative-entropy
 * gap), so a term must be both common in the group and rarer elsewhere to rank.
 */
import { contentTerms } from './tokenize-terms.js';

export function distinctiveTerms(messages: readonly string[], assignments: readonly number[], k: number, limit = 20): string[][] {
  const documents = messages.map((message) => new Set(contentTerms(message)));
  const sizes = new Array<number>(k).fill(0);
  const frequency = Array.from({ length: k }, () => new Map<string, number>());
  const total = new Map<string, number>();
  documents.forEach((terms, index) => {
    const cluster = assignments[index]!;
    sizes[cluster]! += 1;
    for (const term of terms) {
      frequency[cluster]!.set(term, (frequency[cluster]!.get(term) ?? 0) + 1);
      total.set(term, (total.get(term) ?? 0) + 1);
    }
  });
  return frequency.map((counts, cluster) => {
    const size = sizes[cluster]!;
    const restSize = messages.length - size;
    // A term one message uses is that message's, not the mode's.
    const minimum = size >= 4 ? 2 : 1;
    return [...counts]
      .filter(([, count]) => count >= minimum)
      .map(([term, count]) => {
        const inside = count / size;
        const outside = ((total.get(term) ?? 0) - count + 0.5) / (restSize + 1);
        return { term, score: inside * Math.log(inside / outside) };
      })
      .filter((entry) => entry.score > 0)
      .sort((left, right) => right.score - left.score || (left.term < right.term ? -1 : 1))
      .slice(0, limit)
      .map((entry) => entry.term);
  });
}
