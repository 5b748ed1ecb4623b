/**
 * The persona-biased model pocketsphinx decodes with: the domain model of the bias
 * phrases linearly interpolated with the pruned general model (so ordinary speech is
 * still heard), plus a dictionary of exactly its vocabulary. Written as ARPA + dict files
 * (pocketsphinx reads only files) named by persona and a hash of everything that goes in,
 * so a persona's unchanged bias is built once per process. They hold names, places and
 * word triples from the persona's mail, so they go only into the process's private
 * temporary folder (0700, on tmpfs where there is one, removed at exit), never into the
 * persistent cache: only the general model, which holds nothing of the corpus, is cached there.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { SttBias } from '../stt-engine.js';
import { domainCorpus, wittenBellModel } from './domain-language-model.js';
import { generatePronunciations } from './generated-pronunciations.js';
import { loadGeneralModel, type GeneralModelPruning } from './general-language-model.js';
import { conditionalProbability, emptyModel, recomputeBackoffs, sentenceStart, vocabularyOf, writeArpa, type NgramModel } from './ngram-model.js';
import { loadPronunciationDictionary, writeDictionary } from './pronunciation-dictionary.js';

export interface BiasedModelOptions {
  generalLanguageModel: string;
  dictionary: string;
  /** The persistent cache: the pruned general model only. */
  cacheFolder: string;
  /** The private, per-process folder the biased model's files go into (see private-temporary-folder.ts). */
  modelFolder: string;
  /** Weight of the domain model in the mixture (0–1). */
  domainWeight: number;
  pruning: GeneralModelPruning;
  /** Out-of-dictionary names get espeak-ng pronunciations; false drops them instead. */
  generatePronunciations: boolean;
  espeakBinary?: string;
  /** Most bias sentences used; later ones are ignored. */
  maxSentences: number;
}

export interface BiasedModel {
  languageModelFile: string;
  dictionaryFile: string;
  /** Identifies the files; equal keys mean the same model. */
  key: string;
  /** Bias words kept in the vocabulary through a generated pronunciation. */
  generatedWords: string[];
  /** Bias words left out: not in the dictionary and no pronunciation generated. */
  droppedWords: string[];
  vocabularySize: number;
}

const formatVersion = 1;

/** λ·P_domain + (1−λ)·P_general over the union of both models' n-grams, then renormalised back-offs. */
export function interpolateModels(general: NgramModel, domain: NgramModel, domainWeight: number): NgramModel {
  const order = Math.max(general.order, domain.order);
  const mixed = emptyModel(order);
  for (let level = 0; level < order; level++) {
    const keys = new Set<string>([...(general.levels[level]?.keys() ?? []), ...(domain.levels[level]?.keys() ?? [])]);
    for (const key of keys) {
      const words = key.split(' ');
      const history = words.slice(0, -1);
      const word = words.at(-1)!;
      const probability =
        word === sentenceStart
          ? 0
          : domainWeight * conditionalProbability(domain, history, word) + (1 - domainWeight) * conditionalProbability(general, history, word);
      mixed.levels[level]!.set(key, { probability, backoff: 1 });
    }
  }
  recomputeBackoffs(mixed);
  return mixed;
}

interface Sidecar {
  generatedWords: string[];
  droppedWords: string[];
  vocabularySize: number;
}

export async function buildBiasedModel(bias: SttBias, options: BiasedModelOptions, signal?: AbortSignal): Promise<BiasedModel> {
  const corpus = domainCorpus(bias.phrases.slice(0, options.maxSentences));
  const dictionary = await loadPronunciationDictionary(options.dictionary);
  const general = await loadGeneralModel(
    options.generalLanguageModel,
    options.pruning,
    options.cacheFolder,
    async () => new Set(dictionary.keys()),
    options.dictionary,
    signal,
  );
  const key = createHash('sha256')
    .update(JSON.stringify([formatVersion, general.key, options.domainWeight, options.generatePronunciations, corpus.sentences]))
    .digest('hex')
    .slice(0, 20);
  const stem = biasedModelStem(bias.persona, key);
  const languageModelFile = path.join(options.modelFolder, `${stem}.arpa`);
  const dictionaryFile = path.join(options.modelFolder, `${stem}.dict`);
  const sidecarFile = path.join(options.modelFolder, `${stem}.json`);
  try {
    const sidecar = JSON.parse(await readFile(sidecarFile, 'utf8')) as Sidecar;
    return { languageModelFile, dictionaryFile, key, ...sidecar };
  } catch {
    // Not built yet (the sidecar is written last, so its presence means the rest is complete).
  }

  const missing = [...corpus.wordCounts.keys()].filter((word) => !dictionary.has(word));
  // Only names (capitalised mid-sentence) and repeated words get a pronunciation: one-off
  // misspellings and code-mixed fragments would otherwise become words the decoder inserts.
  const candidates = options.generatePronunciations
    ? missing.filter((word) => word.length >= 3 && (corpus.capitalized.has(word) || (corpus.wordCounts.get(word) ?? 0) >= 2))
    : [];
  const generated = await generatePronunciations(candidates.slice(0, 2000), options.espeakBinary, signal);
  const vocabulary = new Set<string>([...corpus.wordCounts.keys()].filter((word) => dictionary.has(word) || generated.has(word)));
  const domain = wittenBellModel(corpus.sentences, vocabulary);
  const mixed = interpolateModels(general.model, domain, options.domainWeight);
  const words = vocabularyOf(mixed).filter((word) => word !== sentenceStart && word !== '</s>');

  await mkdir(options.modelFolder, { recursive: true, mode: 0o700 });
  const sidecar: Sidecar = {
    generatedWords: [...generated.keys()].sort(),
    droppedWords: missing.filter((word) => !generated.has(word)).sort(),
    vocabularySize: words.length,
  };
  const write = async (file: string, text: string): Promise<void> => {
    const temporary = `${file}.${process.pid}.${randomUUID()}.tmp`;
    await writeFile(temporary, text, { mode: 0o600 });
    await rename(temporary, file);
  };
  await write(languageModelFile, writeArpa(mixed));
  await write(dictionaryFile, writeDictionary(words, dictionary, generated));
  await write(sidecarFile, JSON.stringify(sidecar));
  return { languageModelFile, dictionaryFile, key, ...sidecar };
}

/** `biased-PERSONA-KEY`: the persona in the name is what lets `dropBiasModels` find a persona's files. */
export function biasedModelStem(persona: string | undefined, key: string): string {
  return `biased-${(persona ?? 'any').replace(/[^\w-]/g, '_')}-${key}`;
}
