/**
 * The few style measures the deterministic profile puts into words, read from the persona's
 * own messages. The fingerprint (src/persona/fingerprint) measures far more; these are kept
 * here so the profile's wording does not hang on the fingerprint's internal fields.
 */
import { splitSentences } from './persona-sentences.js';

export interface StyleMeasures {
  messages: number;
  words: number;
  sentences: number;
  medianMessageWords: number;
  medianSentenceWords: number;
  /** The middle half of sentence lengths, in words. */
  sentenceWordsQuartiles: [number, number];
  questionShare: number;
  exclamationShare: number;
  /** Sentences with a contraction (I'm, don't, it's …). */
  contractionShare: number;
  /** Messages with at least one emoji. */
  emojiMessageShare: number;
  /** Per 100 sentences. */
  dashes: number;
  semicolons: number;
  parentheses: number;
  ellipses: number;
  /** Words by script: Latin, Tamil, Devanagari, … as shares of all words. */
  scripts: Record<string, number>;
  /** Sentences that start in lower case. */
  lowercaseStartShare: number;
  /** Type–token ratio over the first 1000 words (comparable across corpus sizes). */
  typeTokenRatio: number;
  /** The most frequent longer words, a rough view of what they write about. */
  frequentWords: string[];
}

const emoji = /\p{Extended_Pictographic}/u;
const contraction = /\b\p{L}+['’](?:m|s|t|re|ve|ll|d)\b/iu;
const scriptPatterns: [string, RegExp][] = [
  ['Tamil', /\p{Script=Tamil}/u],
  ['Devanagari', /\p{Script=Devanagari}/u],
  ['Arabic', /\p{Script=Arabic}/u],
  ['Cyrillic', /\p{Script=Cyrillic}/u],
  ['Han', /\p{Script=Han}/u],
  ['Latin', /\p{Script=Latin}/u],
];
/** Long but empty words, left out of the frequent words. */
const stopWords = new Set(
  'about above after again against because before being below between both could doing during further having other should their theirs them themselves there these they those through under until very what when where which while whom with would your yours yourself also just like really than that then this from have were will been into only some such more most much many even well still every something anything nothing things thing think thought going want make made first last little shall might must upon once here does didn'.split(' '),
);

export function measureStyle(messages: readonly string[]): StyleMeasures {
  const sentences = messages.flatMap((message) => splitSentences(message));
  const sentenceWords = sentences.map(countWords).sort((left, right) => left - right);
  const messageWords = messages.map(countWords).sort((left, right) => left - right);
  const allWords = messages.flatMap((message) => message.match(/[\p{L}\p{M}'’-]+/gu) ?? []);
  const share = (count: number, total: number): number => (total === 0 ? 0 : round(count / total));
  const per100 = (pattern: RegExp): number => (sentences.length === 0 ? 0 : round((messages.reduce((sum, message) => sum + (message.match(pattern)?.length ?? 0), 0) / sentences.length) * 100, 1));

  const scriptCounts: Record<string, number> = {};
  for (const word of allWords) {
    const script = scriptPatterns.find(([, pattern]) => pattern.test(word))?.[0] ?? 'other';
    scriptCounts[script] = (scriptCounts[script] ?? 0) + 1;
  }
  const scripts = Object.fromEntries(Object.entries(scriptCounts).map(([script, count]) => [script, share(count, allWords.length)]));

  const sample = allWords.slice(0, 1000).map((word) => word.toLowerCase());
  const frequency = new Map<string, number>();
  for (const word of allWords) {
    const lower = word.toLowerCase().replace(/['’]s$/, '');
    if (lower.length < 5 || stopWords.has(lower) || !/^\p{L}+$/u.test(lower)) continue;
    frequency.set(lower, (frequency.get(lower) ?? 0) + 1);
  }

  return {
    messages: messages.length,
    words: allWords.length,
    sentences: sentences.length,
    medianMessageWords: quantile(messageWords, 0.5),
    medianSentenceWords: quantile(sentenceWords, 0.5),
    sentenceWordsQuartiles: [quantile(sentenceWords, 0.25), quantile(sentenceWords, 0.75)],
    questionShare: share(sentences.filter((sentence) => /\?["'”’)]*$/u.test(sentence)).length, sentences.length),
    exclamationShare: share(sentences.filter((sentence) => /!["'”’)]*$/u.test(sentence)).length, sentences.length),
    contractionShare: share(sentences.filter((sentence) => contraction.test(sentence)).length, sentences.length),
    emojiMessageShare: share(messages.filter((message) => emoji.test(message)).length, messages.length),
    dashes: per100(/\s[-–—]\s|—/gu),
    semicolons: per100(/;/g),
    parentheses: per100(/\(/g),
    ellipses: per100(/\.\.\.|…/g),
    scripts,
    lowercaseStartShare: share(sentences.filter((sentence) => /^\p{Ll}/u.test(sentence)).length, sentences.length),
    typeTokenRatio: share(new Set(sample).size, sample.length),
    frequentWords: [...frequency.entries()]
      .sort((left, right) => right[1] - left[1] || left[0].localeCompare(right[0]))
      .slice(0, 8)
      .map(([word]) => word),
  };
}

function countWords(text: string): number {
  return text.match(/\S+/gu)?.length ?? 0;
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

function round(value: number, digits = 2): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
