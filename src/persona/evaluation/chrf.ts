/**
 * chrF (Popović 2015) as sacreBLEU 2.x computes it by default: character n-grams of orders
 * 1 to 6 with whitespace removed, precision and recall averaged over the orders that both
 * texts have n-grams of ("effective order"), then the F-score with β = 2 (recall weighs
 * twice as much as precision). Scores run from 0 to 100.
 */
export interface ChrFOptions {
  /** Highest character n-gram order. Default 6. */
  order?: number;
  /** Recall's weight against precision. Default 2. */
  beta?: number;
}

/** Per order: n-grams in the hypothesis, in the reference, and matched (clipped counts). */
type Statistics = number[];

function characterNgrams(text: string, order: number): Map<string, number>[] {
  // Code points, not UTF-16 units: Python's str, which sacreBLEU slices, is code points too.
  const characters = Array.from(text.split(/\s+/).join(''));
  const counters: Map<string, number>[] = [];
  for (let length = 1; length <= order; length += 1) {
    const counts = new Map<string, number>();
    for (let start = 0; start + length <= characters.length; start += 1) {
      const gram = characters.slice(start, start + length).join('');
      counts.set(gram, (counts.get(gram) ?? 0) + 1);
    }
    counters.push(counts);
  }
  return counters;
}

function sentenceStatistics(hypothesis: string, reference: string, order: number): Statistics {
  const hypothesisGrams = characterNgrams(hypothesis, order);
  const referenceGrams = characterNgrams(reference, order);
  const statistics: Statistics = [];
  for (let index = 0; index < order; index += 1) {
    const hypothesisCounts = hypothesisGrams[index]!;
    const referenceCounts = referenceGrams[index]!;
    let hypothesisTotal = 0;
    let matched = 0;
    for (const [gram, count] of hypothesisCounts) {
      hypothesisTotal += count;
      matched += Math.min(count, referenceCounts.get(gram) ?? 0);
    }
    let referenceTotal = 0;
    for (const count of referenceCounts.values()) referenceTotal += count;
    statistics.push(hypothesisTotal, referenceTotal, matched);
  }
  return statistics;
}

function fScore(statistics: Statistics, order: number, beta: number): number {
  const factor = beta ** 2;
  let precisionSum = 0;
  let recallSum = 0;
  let effectiveOrder = 0;
  for (let index = 0; index < order; index += 1) {
    const hypothesisTotal = statistics[3 * index]!;
    const referenceTotal = statistics[3 * index + 1]!;
    const matched = statistics[3 * index + 2]!;
    if (hypothesisTotal > 0 && referenceTotal > 0) {
      precisionSum += matched / hypothesisTotal;
      recallSum += matched / referenceTotal;
      effectiveOrder += 1;
    }
  }
  if (effectiveOrder === 0) return 0;
  const precision = precisionSum / effectiveOrder;
  const recall = recallSum / effectiveOrder;
  if (precision + recall === 0) return 0;
  return (100 * (1 + factor) * precision * recall) / (factor * precision + recall);
}

function checkedOptions(options: ChrFOptions): { order: number; beta: number } {
  const order = options.order ?? 6;
  const beta = options.beta ?? 2;
  if (!Number.isInteger(order) || order < 1) throw new RangeError(`chrF: order must be a positive integer, got ${order}`);
  if (!(beta > 0)) throw new RangeError(`chrF: beta must be positive, got ${beta}`);
  return { order, beta };
}

/** Sentence-level chrF of one hypothesis against one reference, 0–100. */
export function chrF(hypothesis: string, reference: string, options: ChrFOptions = {}): number {
  const { order, beta } = checkedOptions(options);
  return fScore(sentenceStatistics(hypothesis, reference, order), order, beta);
}

/** Corpus-level chrF: n-gram counts summed over all pairs before the score, as sacreBLEU's corpus_score. */
export function corpusChrF(pairs: readonly { hypothesis: string; reference: string }[], options: ChrFOptions = {}): number {
  const { order, beta } = checkedOptions(options);
  const totals: Statistics = new Array<number>(order * 3).fill(0);
  for (const pair of pairs) {
    sentenceStatistics(pair.hypothesis, pair.reference, order).forEach((value, index) => {
      totals[index]! += value;
    });
  }
  return fScore(totals, order, beta);
}
