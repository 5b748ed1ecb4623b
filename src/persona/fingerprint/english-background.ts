/**
 * How often a word turns up in general English, so that a persona's "signature" words are
 * the ones she uses far more than English at large does, not merely the frequent ones.
 * The table and its source are described at the top of english-background.tsv.
 */
import { readFileSync } from 'node:fs';

export interface EnglishBackground {
  /** Probability of the lowercase word in general English; unseen words get a small floor. */
  probability(word: string): number;
  /** One of the most frequent English words ("the", "know", "okay"): never a signature on its own. */
  isCommon(word: string): boolean;
}

/** Below the table's last entry (about 3 per million): a word outside the 10,000 most frequent. */
const UNSEEN_PROBABILITY = 10 ** -6.5;
const COMMON_RANK = 150;

let loaded: EnglishBackground | undefined;

export function englishBackground(): EnglishBackground {
  loaded ??= loadBackground();
  return loaded;
}

function loadBackground(): EnglishBackground {
  const text = readFileSync(new URL('./english-background.tsv', import.meta.url), 'utf8');
  const probabilities = new Map<string, number>();
  const ranks = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const [word, logProbability] = line.split('\t');
    if (!word || logProbability === undefined) continue;
    ranks.set(word, ranks.size);
    probabilities.set(word, 10 ** Number(logProbability));
  }
  return {
    probability: (word) => probabilities.get(word) ?? UNSEEN_PROBABILITY,
    isCommon: (word) => (ranks.get(word) ?? Infinity) < COMMON_RANK,
  };
}
