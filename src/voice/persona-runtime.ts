/**
 * Everything a running service shares between sessions: the store, the adapter vault, one
 * LLM engine (or one recall engine per persona, since recall searches that persona's
 * corpus), the STT engine, the TTS engine and the embedded voice it falls back to, and per
 * persona its retrieval and its STT bias. Personas are opened on first use and kept open.
 */
import type { Config } from '../config.js';
import { openAdapterVault, type AdapterVault } from '../llm/adapter-vault.js';
import { chooseEngineName, createEngine } from '../llm/create-engine.js';
import type { LlmEngine } from '../llm/llm-engine.js';
import { openRetrieval, requirePersona, type Retrieval } from '../rag/open-retrieval.js';
import { readPersonaChangeStamp } from '../store/persona-change-stamp.js';
import { openStore, type Store } from '../store/store.js';
import { createSttEngine } from '../stt/create-stt-engine.js';
import { loadPersonaBias } from '../stt/persona-bias.js';
import type { SttBias, SttEngine } from '../stt/stt-engine.js';
import { createSileroVad, type SileroVad } from '../stt/vad/silero-vad.js';
import { createEmbeddedTtsEngine, createTtsEngine } from '../tts/create-tts-engine.js';
import type { TtsEngine } from '../tts/tts-engine.js';

export interface PersonaServices {
  readonly persona: string;
  readonly retrieval: Retrieval;
  readonly engine: LlmEngine;
  readonly bias: SttBias;
}

export interface PersonaRuntime {
  readonly config: Config;
  readonly store: Store;
  readonly vault: AdapterVault;
  readonly stt: SttEngine;
  /** The configured voice engine. */
  readonly tts: TtsEngine;
  /** The embedded voice (flite or espeak-ng) a turn falls back to when `tts` fails. */
  readonly embeddedTts: TtsEngine;
  /** The LLM engine's name, before any persona is opened. */
  readonly llmName: LlmEngine['id'];
  /** Opens a persona on first use (its retrieval, engine and STT bias); an unknown persona is a `not-found` error. */
  forPersona(persona: string): Promise<PersonaServices>;
  /** A Silero VAD for one session (its recurrent state belongs to one stream). */
  createVad(): Promise<SileroVad>;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

export interface RuntimeOverrides {
  store?: Store;
  stt?: SttEngine;
  tts?: TtsEngine;
  embeddedTts?: TtsEngine;
}

export async function openPersonaRuntime(config: Config, overrides: RuntimeOverrides = {}): Promise<PersonaRuntime> {
  const store = overrides.store ?? openStore(config);
  const vault = openAdapterVault(config.vaultFolder);
  const llmName = chooseEngineName(config);
  const opened: { close(): Promise<void> }[] = [];
  try {
    const stt = overrides.stt ?? (await createSttEngine(config));
    opened.push(stt);
    const configuredIsEmbedded = config.tts.engine === 'flite' || config.tts.engine === 'espeak';
    const tts = overrides.tts ?? createTtsEngine(config);
    opened.push(tts);
    // The configured engine is its own fallback when it is already an embedded one.
    const embeddedTts = overrides.embeddedTts ?? (configuredIsEmbedded && !overrides.tts ? tts : createEmbeddedTtsEngine());
    if (embeddedTts !== tts) opened.push(embeddedTts);

    const personas = new Map<string, Promise<PersonaServices>>();
    let sharedEngine: Promise<LlmEngine> | undefined;

    async function openPersona(persona: string): Promise<PersonaServices> {
      requirePersona(store, persona);
      const retrieval = await openRetrieval(config, store, persona);
      try {
        // The model is loaded once for every persona; only recall, which searches a persona's own corpus, is per persona.
        const engine =
          llmName === 'recall' ? await createEngine(config, 'recall', retrieval.retriever) : await (sharedEngine ??= createEngine(config, llmName, retrieval.retriever));
        // The bias is rebuilt when the persona's text changes (ingest, forget, another process's
        // included), so a forgotten source stops steering recognition too.
        let bias = loadPersonaBias(store, persona);
        let biasStamp = readPersonaChangeStamp(store.database, persona).content;
        return {
          persona,
          retrieval,
          engine,
          get bias() {
            const stamp = readPersonaChangeStamp(store.database, persona).content;
            if (stamp !== biasStamp) {
              bias = loadPersonaBias(store, persona);
              biasStamp = stamp;
            }
            return bias;
          },
        };
      } catch (error) {
        await retrieval.close();
        throw error;
      }
    }

    const close = async (): Promise<void> => {
      const services = await Promise.allSettled([...personas.values()]);
      await Promise.allSettled(
        services.flatMap((result) => (result.status === 'fulfilled' ? [result.value.retrieval.close(), llmName === 'recall' ? result.value.engine.close() : Promise.resolve()] : [])),
      );
      if (sharedEngine) await sharedEngine.then((engine) => engine.close(), () => undefined);
      await Promise.allSettled(opened.map((resource) => resource.close()));
      if (!overrides.store) store.close();
    };

    return {
      config,
      store,
      vault,
      stt,
      tts,
      embeddedTts,
      llmName,
      forPersona(persona) {
        let services = personas.get(persona);
        if (!services) {
          services = openPersona(persona);
          personas.set(persona, services);
          // A failed open (unknown persona, Chroma down) is not cached: the next session tries again.
          services.catch(() => personas.delete(persona));
        }
        return services;
      },
      createVad: () => createSileroVad({ sampleRate: 16000, minSilenceMs: config.stt.endOfSpeechMs }),
      close,
      [Symbol.asyncDispose]: close,
    };
  } catch (error) {
    await Promise.allSettled(opened.map((resource) => resource.close()));
    if (!overrides.store) store.close();
    throw error;
  }
}
