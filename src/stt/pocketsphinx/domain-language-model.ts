/**
 * The persona's domain language model: a Witten–Bell smoothed trigram model of the bias
 * phrases (interpolated Witten–Bell is exactly a back-off model: bo(h) = T(h)/(c(h)+T(h))),
 * over words the pronunciation dictionary knows or that got a generated pronunciation.
 */
import { dictionaryTokens, splitSentences } from './dictionary-words.js';
import { emptyModel, sentenceEnd, sentenceStart, type NgramModel } from './ngram-model.js';

export interface DomainCorpus {
  /** Sentences as dictionary words, each one n-gram training sequence. */
  sentences: string[][];
  /** Count of each word in the text. */
  wordCounts: Map<string, number>;
  /** Names and places: words written capitalised mid-sentence, or never written in lowercase. */
  capitalized: Set<string>;
}

export function domainCorpus(phrases: readonly string[]): DomainCorpus {
  const sentences: string[][] = [];
  const wordCounts = new Map<string, number>();
  const capitalized = new Set<string>();
  const lowercase = new Set<string>();
  const initialCapital = new Set<string>();
  for (const phrase of phrases) {
    for (const sentence of splitSentences(phrase)) {
      const tokens = dictionaryTokens(sentence);
      if (tokens.length === 0) continue;
      for (const token of tokens) {
        wordCounts.set(token.word, (wordCounts.get(token.word) ?? 0) + 1);
        if (token.capitalized) capitalized.add(token.word);
        (token.initialCapital ? initialCapital : lowercase).add(token.word);
      }
      sentences.push(tokens.map((token) => token.word));
    }
  }
  for (const word of initialCapital) if (!lowercase.has(word)) capitalized.add(word);
  return { sentences, wordCounts, capitalized };
}

/**
 * Trigram Witten–Bell model of the sentences, restricted to `vocabulary`: a word outside
 * it splits the sentence there, so no n-gram spans a dropped word.
 */
export function wittenBellModel(sentences: readonly string[][], vocabulary: ReadonlySet<string>): NgramModel {
  const counts: Map<string, number>[] = [new Map(), new Map(), new Map()];
  const add = (level: number, key: string): void => {
    counts[level]!.set(key, (counts[level]!.get(key) ?? 0) + 1);
  };
  for (const sentence of sentences) {
    const pieces: string[][] = [[]];
    for (const word of sentence) {
      if (vocabulary.has(word)) pieces.at(-1)!.push(word);
      else if (pieces.at(-1)!.length > 0) pieces.push([]);
    }
    for (const piece of pieces) {
      if (piece.length === 0) continue;
      const padded = [sentenceStart, ...piece, sentenceEnd];
      for (let index = 1; index < padded.length; index++) {
        add(0, padded[index]!);
        add(1, `${padded[index - 1]} ${padded[index]}`);
        if (index >= 2) add(2, `${padded[index - 2]} ${padded[index - 1]} ${padded[index]}`);
      }
    }
  }

  // Per context: total count c(h) and distinct followers T(h).
  const contexts: Map<string, { total: number; types: number }>[] = [new Map(), new Map(), new Map()];
  for (let level = 0; level < 3; level++) {
    for (const [key, count] of counts[level]!) {
      const context = key.split(' ').slice(0, -1).join(' ');
      const entry = contexts[level]!.get(context) ?? { total: 0, types: 0 };
      entry.total += count;
      entry.types += 1;
      contexts[level]!.set(context, entry);
    }
  }

  const model = emptyModel(3);
  const words = [...counts[0]!.keys()];
  const unigramContext = contexts[0]!.get('') ?? { total: 0, types: 0 };
  const uniform = 1 / Math.max(1, words.length);
  const unigramProbability = (word: string): number =>
    ((counts[0]!.get(word) ?? 0) + unigramContext.types * uniform) / (unigramContext.total + unigramContext.types);
  for (const word of words) model.levels[0]!.set(word, { probability: unigramProbability(word), backoff: 1 });
  model.levels[0]!.set(sentenceStart, { probability: 0, backoff: 1 });

  const lowerProbability = (level: number, history: string[], word: string): number => {
    if (level === 0) return unigramProbability(word);
    const key = [...history, word].join(' ');
    const context = contexts[level]!.get(history.join(' '));
    const lower = lowerProbability(level - 1, history.slice(1), word);
    if (!context) return lower;
    return ((counts[level]!.get(key) ?? 0) + context.types * lower) / (context.total + context.types);
  };
  for (let level = 1; level < 3; level++) {
    for (const key of counts[level]!.keys()) {
      const parts = key.split(' ');
      model.levels[level]!.set(key, { probability: lowerProbability(level, parts.slice(0, -1), parts.at(-1)!), backoff: 1 });
    }
    for (const [context, entry] of contexts[level]!) {
      const target = model.levels[level - 1]!.get(context);
      if (target) target.backoff = entry.types / (entry.total + entry.types);
    }
  }
  return model;
}
