/**
 * The embedded speech-to-text engine: Debian's `pocketsphinx_continuous` with the en-us
 * acoustic model. A decoder process is kept warm (spawned, models loaded) per language
 * model configuration, so an utterance's audio streams into one that is already
 * listening; each utterance uses its own process, and the next one is spawned in the
 * background. With a bias, the language model is the persona's domain model interpolated
 * with a pruned general model (see biased-language-model.ts), cached by content hash.
 */
import { createHash } from 'node:crypto';
import { constants, rmSync } from 'node:fs';
import { access } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { privateTemporaryFolder } from '../../private-temporary-folder.js';
import { SttError, type SttBias, type SttEngine, type TranscribeOptions, type TranscriptEvent, type TranscriptSegment } from '../stt-engine.js';
import { buildBiasedModel, type BiasedModel } from './biased-language-model.js';
import { decoderFailure, startDecoder, type DecoderEvent, type DecoderFiles, type DecoderProcess } from './decoder-process.js';
import { removeLegacyBiasedModels, biasModelPurpose } from './drop-bias-models.js';
import { defaultGeneralModelPruning, type GeneralModelPruning } from './general-language-model.js';

export const defaultPocketsphinxPaths = {
  binary: '/usr/bin/pocketsphinx_continuous',
  acousticModel: '/usr/share/pocketsphinx/model/en-us/en-us',
  dictionary: '/usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict',
  languageModel: '/usr/share/pocketsphinx/model/en-us/en-us.lm.bin',
} as const;

/**
 * Domain share of the interpolated model, chosen with bench/stt-wer.ts on the sample
 * persona: 0.3, 0.5 and 0.7 gave flite-spoken domain questions 20.9%, 18.2%, 16.4% WER
 * (40.0% unbiased) but LibriVox prose 39.4%, 43.7%, 47.9% (35.2% unbiased); 0.3 keeps
 * most of the gain on questions while costing ordinary speech least.
 */
export const defaultDomainWeight = 0.3;

export interface PocketsphinxEngineOptions {
  /** `pocketsphinx_continuous`; a bare name is looked up on PATH. */
  binary?: string;
  /** The acoustic model folder (`-hmm`). */
  acousticModel?: string;
  /** The CMU pronunciation dictionary. */
  dictionary?: string;
  /** The general language model (sphinx trie binary, e.g. `en-us.lm.bin`). */
  languageModel?: string;
  /** Where the pruned general model is cached; default `$PERSONA_HOME/cache/pocketsphinx`, else under the OS temp folder. */
  cacheFolder?: string;
  /**
   * Where a persona's biased model (names, places, word triples of its mail) is written for
   * the decoder to read; default this process's private temporary folder (0700, tmpfs, removed at exit).
   */
  modelFolder?: string;
  /** Weight of the persona's domain model against the general one, 0–1. */
  domainWeight?: number;
  /** How much of the general model the biased model keeps. */
  pruning?: Partial<GeneralModelPruning>;
  /** Generate espeak-ng pronunciations for names the dictionary lacks (default true). */
  generatePronunciations?: boolean;
  espeakBinary?: string;
  /** Most bias sentences used to build a model (default 5000). */
  maxBiasSentences?: number;
  /** Appended to the decoder's command line, e.g. ['-lw', '7']. */
  extraArguments?: readonly string[];
  /** Language-model configurations with a warm process kept (default 2); the least recently used is let go. */
  maxWarmConfigurations?: number;
}

export interface PocketsphinxEngine extends SttEngine {
  /** Builds the bias's model (if any) and starts a warm decoder for it, e.g. when a session starts. */
  warmUp(bias?: SttBias, signal?: AbortSignal): Promise<void>;
  /** The biased model's files and vocabulary report (built or read from the cache). */
  biasedModel(bias: SttBias, signal?: AbortSignal): Promise<BiasedModel>;
  /** Process-group ids of the decoders alive now: warm (idle) and busy (decoding an utterance). */
  decoderProcesses(): { warm: number[]; busy: number[] };
}

function defaultCacheFolder(): string {
  const home = process.env.PERSONA_HOME;
  return home ? path.join(path.resolve(home), 'cache', 'pocketsphinx') : path.join(os.tmpdir(), 'persona-pocketsphinx-cache');
}

function toPcm16(samples: Float32Array): Buffer {
  const buffer = Buffer.allocUnsafe(samples.length * 2);
  for (let index = 0; index < samples.length; index++) {
    const sample = Math.max(-1, Math.min(1, samples[index]!));
    buffer.writeInt16LE(Math.round(sample * 32767), index * 2);
  }
  return buffer;
}

function isAbort(error: unknown, signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true || (error instanceof Error && error.name === 'AbortError');
}

export function createPocketsphinxEngine(options: PocketsphinxEngineOptions = {}): PocketsphinxEngine {
  const binary = options.binary ?? defaultPocketsphinxPaths.binary;
  const acousticModel = options.acousticModel ?? defaultPocketsphinxPaths.acousticModel;
  const dictionary = options.dictionary ?? defaultPocketsphinxPaths.dictionary;
  const languageModel = options.languageModel ?? defaultPocketsphinxPaths.languageModel;
  const cacheFolder = options.cacheFolder ?? defaultCacheFolder();
  const modelFolder = options.modelFolder ?? privateTemporaryFolder(biasModelPurpose);
  // Versions before this one kept biased models in the persistent cache, in plaintext, forever.
  removeLegacyBiasedModels(cacheFolder);
  const domainWeight = options.domainWeight ?? defaultDomainWeight;
  if (!(domainWeight >= 0 && domainWeight <= 1)) {
    throw new SttError('config-invalid', `pocketsphinx domainWeight must be between 0 and 1, got ${domainWeight}`);
  }
  const pruning = { ...defaultGeneralModelPruning, ...options.pruning };
  const extraArguments = options.extraArguments ?? [];
  const maxWarm = Math.max(1, options.maxWarmConfigurations ?? 2);

  /** Warm decoders by configuration key, least recently used first (Map keeps insertion order). */
  const warm = new Map<string, DecoderProcess>();
  const inUse = new Set<DecoderProcess>();
  let installChecked: Promise<void> | undefined;
  let closed = false;

  const checkInstalled = (): Promise<void> => {
    installChecked ??= (async () => {
      const missing: string[] = [];
      if (binary.includes('/')) {
        try {
          await access(binary, constants.X_OK);
        } catch {
          missing.push(`the decoder ${binary}`);
        }
      }
      for (const [what, file] of [['acoustic model', acousticModel], ['dictionary', dictionary], ['language model', languageModel]] as const) {
        try {
          await access(file);
        } catch {
          missing.push(`the ${what} ${file}`);
        }
      }
      if (missing.length > 0) {
        throw new SttError('service-unavailable', `pocketsphinx is not installed: missing ${missing.join(', ')}; install it with apt-get install pocketsphinx pocketsphinx-en-us`);
      }
    })();
    installChecked.catch(() => {
      installChecked = undefined;
    });
    return installChecked;
  };

  /** Builds in progress by bias: a session's warm-up and its first utterance ask for the same model at once. */
  const building = new Map<string, Promise<BiasedModel>>();
  const biasedModel = async (bias: SttBias, signal?: AbortSignal): Promise<BiasedModel> => {
    await checkInstalled();
    const key = createHash('sha256').update(`${bias.persona ?? ''}\n${bias.phrases.join('\n')}`).digest('hex');
    let build = building.get(key);
    if (!build) {
      // Not tied to one caller's signal: the model is cached for every later session, so it is finished even if this caller leaves.
      build = buildModel(bias)
        .then((model) => {
          if (bias.persona !== undefined) replaceLatest(bias.persona, model);
          return model;
        })
        .finally(() => building.delete(key));
      building.set(key, build);
    }
    if (!signal) return build;
    signal.throwIfAborted();
    return Promise.race([build, new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }))]);
  };
  /**
   * A persona's newest model, by persona. When its bias changes (new mail ingested, a source
   * forgotten) the one it replaces is deleted at once, with any idle decoder loaded from it:
   * corpus words do not linger in memory-backed files until the process ends. A session still
   * holding the old bias gets its model rebuilt (the files are checked on every use).
   */
  const latestByPersona = new Map<string, BiasedModel>();
  const replaceLatest = (persona: string, model: BiasedModel): void => {
    const previous = latestByPersona.get(persona);
    latestByPersona.set(persona, model);
    if (!previous || previous.key === model.key) return;
    const stale = keyOf({ binary, acousticModel, dictionary: previous.dictionaryFile, languageModel: previous.languageModelFile, extraArguments });
    warm.get(stale)?.kill();
    warm.delete(stale);
    for (const file of [previous.languageModelFile, previous.dictionaryFile, previous.languageModelFile.replace(/\.arpa$/, '.json')]) rmSync(file, { force: true });
  };
  const buildModel = (bias: SttBias): Promise<BiasedModel> =>
    buildBiasedModel(
      bias,
      {
        generalLanguageModel: languageModel,
        dictionary,
        cacheFolder,
        modelFolder,
        domainWeight,
        pruning,
        generatePronunciations: options.generatePronunciations ?? true,
        espeakBinary: options.espeakBinary,
        maxSentences: options.maxBiasSentences ?? 5000,
      },
    );

  const decoderFiles = async (bias: SttBias | undefined, signal?: AbortSignal): Promise<DecoderFiles> => {
    await checkInstalled();
    if (!bias || bias.phrases.length === 0) return { binary, acousticModel, dictionary, languageModel, extraArguments };
    const model = await biasedModel(bias, signal);
    return { binary, acousticModel, dictionary: model.dictionaryFile, languageModel: model.languageModelFile, extraArguments };
  };

  const keyOf = (files: DecoderFiles): string => `${files.languageModel}\n${files.dictionary}`;

  const spawnWarm = (files: DecoderFiles): void => {
    if (closed) return;
    const key = keyOf(files);
    warm.get(key)?.kill();
    warm.delete(key);
    const decoder = startDecoder(files);
    decoder.hold(false);
    warm.set(key, decoder);
    while (warm.size > maxWarm) {
      const [oldestKey, oldest] = warm.entries().next().value as [string, DecoderProcess];
      oldest.kill();
      warm.delete(oldestKey);
    }
  };

  /** A warm decoder for these files (or a fresh one), and a replacement started behind it. */
  const takeDecoder = (files: DecoderFiles): DecoderProcess => {
    const key = keyOf(files);
    let decoder = warm.get(key);
    warm.delete(key);
    // One that died while idle (e.g. a model it could not load) is retried once, fresh.
    if (!decoder || decoder.exited) decoder = startDecoder(files);
    decoder.hold(true);
    inUse.add(decoder);
    spawnWarm(files);
    return decoder;
  };

  async function* transcribe(audio: AsyncIterable<Float32Array>, transcribeOptions: TranscribeOptions = {}): AsyncIterable<TranscriptEvent> {
    const { signal, bias } = transcribeOptions;
    if (closed) throw new SttError('service-unavailable', 'the pocketsphinx engine is closed');
    if (signal?.aborted) return;
    let files: DecoderFiles;
    try {
      files = await decoderFiles(bias, signal);
    } catch (error) {
      if (isAbort(error, signal)) return;
      throw error;
    }
    if (signal?.aborted) return;

    const decoder = takeDecoder(files);
    let stopped = false;
    let audioError: unknown;
    const onAbort = (): void => decoder.kill();
    signal?.addEventListener('abort', onAbort, { once: true });

    const pump = (async () => {
      try {
        for await (const chunk of audio) {
          if (stopped || signal?.aborted) break;
          if (chunk.length > 0) await decoder.write(toPcm16(chunk));
        }
      } catch (error) {
        audioError = error;
        decoder.kill();
        return;
      }
      decoder.endInput();
    })();

    const segments: TranscriptSegment[] = [];
    try {
      for (;;) {
        const event: DecoderEvent = await decoder.next();
        if (signal?.aborted) return;
        if (event.type === 'line') {
          segments.push({ text: event.text });
          yield { type: 'transcript-partial', text: segments.map((segment) => segment.text).join(' ') };
          continue;
        }
        if (audioError !== undefined) throw audioError;
        if (event.type === 'exit' && event.code === 0) {
          yield { type: 'transcript-final', text: segments.map((segment) => segment.text).join(' '), segments };
          return;
        }
        throw decoderFailure(binary, event, decoder.stderrTail());
      }
    } finally {
      stopped = true;
      signal?.removeEventListener('abort', onAbort);
      decoder.kill();
      decoder.hold(false);
      inUse.delete(decoder);
      void pump;
    }
  }

  return {
    id: 'pocketsphinx',
    capabilities: { partials: true, biasing: true },
    transcribe,
    biasedModel,
    decoderProcesses() {
      const ids = (decoders: Iterable<DecoderProcess>): number[] =>
        [...decoders].filter((decoder) => !decoder.exited && decoder.pid !== undefined).map((decoder) => decoder.pid!);
      return { warm: ids(warm.values()), busy: ids(inUse) };
    },
    async warmUp(bias, signal) {
      const files = await decoderFiles(bias, signal);
      if (!warm.get(keyOf(files)) || warm.get(keyOf(files))!.exited) spawnWarm(files);
    },
    async close() {
      closed = true;
      for (const decoder of [...warm.values(), ...inUse]) decoder.kill();
      warm.clear();
      inUse.clear();
    },
  };
}
