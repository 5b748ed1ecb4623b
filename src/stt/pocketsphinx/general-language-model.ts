/**
 * The general English model, pruned to its most probable words and n-grams so that an
 * interpolated model stays small enough for pocketsphinx to load in well under a second.
 * Reading the full trie takes ~1 s and ~200 MB, so the pruned model is cached as ARPA
 * under the cache folder, keyed by the source file and the pruning sizes.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { emptyModel, parseArpa, recomputeBackoffs, sentenceEnd, sentenceStart, writeArpa, type NgramModel } from './ngram-model.js';
import { readTrieLanguageModel } from './trie-language-model.js';

export interface GeneralModelPruning {
  /** Most probable words kept (plus `<s>`, `</s>`). */
  vocabularySize: number;
  /** Most probable bigrams kept, by joint probability P(a)·P(b|a). */
  bigramCount: number;
  /** Most probable trigrams kept, by joint probability. */
  trigramCount: number;
}

export const defaultGeneralModelPruning: GeneralModelPruning = { vocabularySize: 20_000, bigramCount: 150_000, trigramCount: 60_000 };

/** Keeps the `count` largest scores' indices (a partial sort would save little at these sizes). */
function topIndices(scores: Float64Array, count: number): Int32Array {
  const order = new Int32Array(scores.length);
  for (let index = 0; index < order.length; index++) order[index] = index;
  order.sort((left, right) => scores[right]! - scores[left]!);
  return order.subarray(0, Math.min(count, order.length));
}

export async function pruneGeneralModel(languageModelFile: string, pruning: GeneralModelPruning, allowedWords: ReadonlySet<string> | undefined, signal?: AbortSignal): Promise<NgramModel> {
  const trie = await readTrieLanguageModel(languageModelFile, signal);
  const { words } = trie;
  const unigramScores = new Float64Array(words.length).fill(-Infinity);
  for (let id = 0; id < words.length; id++) {
    const word = words[id]!;
    if (word === sentenceStart || word === sentenceEnd) continue;
    if (allowedWords && !allowedWords.has(word)) continue;
    unigramScores[id] = trie.unigramProbabilities[id]!;
  }
  const kept = new Uint8Array(words.length);
  for (const id of topIndices(unigramScores, pruning.vocabularySize)) if (unigramScores[id]! > -Infinity) kept[id] = 1;
  for (const special of [sentenceStart, sentenceEnd]) {
    const id = words.indexOf(special);
    if (id >= 0) kept[id] = 1;
  }

  const model = emptyModel(Math.min(3, trie.order));
  let keptMass = 0;
  for (let id = 0; id < words.length; id++) {
    if (!kept[id] || words[id] === sentenceStart) continue;
    keptMass += 10 ** trie.unigramProbabilities[id]!;
  }
  for (let id = 0; id < words.length; id++) {
    if (!kept[id]) continue;
    const probability = words[id] === sentenceStart ? 0 : 10 ** trie.unigramProbabilities[id]! / keptMass;
    model.levels[0]!.set(words[id]!, { probability, backoff: 1 });
  }

  const bigrams = trie.ngrams[0];
  const keptBigrams = new Set<string>();
  if (bigrams && model.order >= 2) {
    const scores = new Float64Array(bigrams.count).fill(-Infinity);
    for (let index = 0; index < bigrams.count; index++) {
      const first = bigrams.words[index * 2]!;
      const second = bigrams.words[index * 2 + 1]!;
      if (!kept[first] || !kept[second] || words[second] === sentenceStart) continue;
      // <s> has no unigram probability; rank sentence openings by the bigram alone.
      const history = words[first] === sentenceStart ? -1 : trie.unigramProbabilities[first]!;
      scores[index] = history + bigrams.probabilities[index]!;
    }
    for (const index of topIndices(scores, pruning.bigramCount)) {
      if (scores[index] === -Infinity) break;
      const key = `${words[bigrams.words[index * 2]!]} ${words[bigrams.words[index * 2 + 1]!]}`;
      keptBigrams.add(key);
      model.levels[1]!.set(key, { probability: 10 ** bigrams.probabilities[index]!, backoff: 1 });
    }
  }
  const trigrams = trie.ngrams[1];
  if (trigrams && model.order >= 3) {
    const scores = new Float64Array(trigrams.count).fill(-Infinity);
    for (let index = 0; index < trigrams.count; index++) {
      const ids = [trigrams.words[index * 3]!, trigrams.words[index * 3 + 1]!, trigrams.words[index * 3 + 2]!];
      if (ids.some((id) => !kept[id]) || words[ids[2]!] === sentenceStart) continue;
      const prefix = model.levels[1]!.get(`${words[ids[0]!]} ${words[ids[1]!]}`);
      if (!prefix) continue;
      const history = words[ids[0]!] === sentenceStart ? -1 : trie.unigramProbabilities[ids[0]!]!;
      scores[index] = history + Math.log10(prefix.probability) + trigrams.probabilities[index]!;
    }
    for (const index of topIndices(scores, pruning.trigramCount)) {
      if (scores[index] === -Infinity) break;
      const key = `${words[trigrams.words[index * 3]!]} ${words[trigrams.words[index * 3 + 1]!]} ${words[trigrams.words[index * 3 + 2]!]}`;
      model.levels[2]!.set(key, { probability: 10 ** trigrams.probabilities[index]!, backoff: 1 });
    }
  }
  recomputeBackoffs(model);
  return model;
}

export interface CachedGeneralModel {
  model: NgramModel;
  /** Identifies the source and pruning: part of every biased model's cache key. */
  key: string;
}

const memory = new Map<string, Promise<CachedGeneralModel>>();

/** The pruned general model, from memory, the cache folder, or built (and cached) from the trie. */
export function loadGeneralModel(
  languageModelFile: string,
  pruning: GeneralModelPruning,
  cacheFolder: string,
  allowedWords: () => Promise<ReadonlySet<string>>,
  dictionaryFile: string,
  signal?: AbortSignal,
): Promise<CachedGeneralModel> {
  const pending = (async (): Promise<CachedGeneralModel> => {
    const source = await stat(languageModelFile);
    const dictionary = await stat(dictionaryFile);
    const key = createHash('sha256')
      .update(JSON.stringify([path.resolve(languageModelFile), source.size, source.mtimeMs, path.resolve(dictionaryFile), dictionary.size, dictionary.mtimeMs, pruning, 1]))
      .digest('hex')
      .slice(0, 16);
    const existing = memory.get(key);
    if (existing) return existing;
    const loading = (async (): Promise<CachedGeneralModel> => {
      const file = path.join(cacheFolder, `general-${key}.arpa`);
      try {
        return { model: parseArpa(await readFile(file, 'utf8'), file), key };
      } catch {
        // Absent or unreadable: build it again.
      }
      const model = await pruneGeneralModel(languageModelFile, pruning, await allowedWords(), signal);
      // Built from Debian's general model, not from any corpus; still private like everything under PERSONA_HOME.
      await mkdir(cacheFolder, { recursive: true, mode: 0o700 });
      const temporary = `${file}.${process.pid}.${randomUUID()}.tmp`;
      await writeFile(temporary, writeArpa(model), { mode: 0o600 });
      await rename(temporary, file);
      return { model, key };
    })();
    memory.set(key, loading);
    loading.catch(() => memory.delete(key));
    return loading;
  })();
  return pending;
}
