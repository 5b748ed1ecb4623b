/**
 * The TTS engine a configuration (or `--engine`) names: flite and espeak are embedded (Debian
 * packages, no download), xtts clones consented voices on GPU workers, openai is any
 * `/v1/audio/speech` server. Embedded engines map a voice folder's name to a built-in voice
 * (voice.json); xtts refuses a voice without cloning consent. `createEmbeddedTtsEngine` is
 * the fallback a session switches to when its engine fails: flite when installed, else espeak-ng.
 */
import { spawnSync } from 'node:child_process';
import type { Config } from '../config.js';
import { ConfigError } from '../errors.js';
import { createEspeakEngine } from './espeak/espeak-engine.js';
import { createFliteEngine } from './flite/flite-engine.js';
import { createOpenAiTtsEngine } from './openai/openai-tts-engine.js';
import type { TtsEngine } from './tts-engine.js';
import { createConsentedXttsEngine } from './voices/consented-xtts-engine.js';
import { withEmbeddedVoiceMapping } from './voices/embedded-voice-mapping.js';
import { createXttsEngine } from './xtts/xtts-client.js';

export type TtsEngineName = Config['tts']['engine'];
export const ttsEngineNames: readonly TtsEngineName[] = ['flite', 'espeak', 'xtts', 'openai'];

/**
 * The embedded engines' rate by default: that of xtts and openai (24 kHz), so a session that
 * falls back mid-answer keeps one rate, and so `say` files match whichever engine made them.
 */
export const defaultTtsSampleRate = 24000;

export interface CreateTtsEngineOptions {
  /** Overrides `config.tts.engine` (`persona say --engine`). */
  engine?: TtsEngineName;
  /** The rate of the embedded engines' chunks (default 24000); xtts and openai are 24 kHz. */
  sampleRate?: number;
}

export function createTtsEngine(config: Pick<Config, 'tts' | 'voicesFolder'>, options: CreateTtsEngineOptions = {}): TtsEngine {
  const name = options.engine ?? config.tts.engine;
  const sampleRate = options.sampleRate ?? defaultTtsSampleRate;
  switch (name) {
    case 'flite':
      return withEmbeddedVoiceMapping(createFliteEngine({ sampleRate }), config.voicesFolder);
    case 'espeak':
      return withEmbeddedVoiceMapping(createEspeakEngine({ sampleRate }), config.voicesFolder);
    case 'xtts':
      if (config.tts.xttsWorkers.length === 0) {
        throw new ConfigError('The xtts engine needs at least one worker: set tts.xttsWorkers (PERSONA_XTTS_URLS, comma-separated URLs such as http://gpu-box:8020)');
      }
      return createConsentedXttsEngine(createXttsEngine({ workers: config.tts.xttsWorkers }), { voicesFolder: config.voicesFolder });
    case 'openai':
      if (!config.tts.url) throw new ConfigError('The openai TTS engine needs a server: set tts.url (PERSONA_TTS_URL) and tts.apiModel (PERSONA_TTS_API_MODEL)');
      return createOpenAiTtsEngine({ url: config.tts.url, apiKey: config.tts.apiKey, model: config.tts.apiModel });
    default:
      throw new ConfigError(`Unknown TTS engine ${JSON.stringify(name)} (tts.engine, PERSONA_TTS_ENGINE); choose one of ${ttsEngineNames.join(', ')}`);
  }
}

export interface EmbeddedTtsEngineOptions {
  /** Maps a voice folder's name to a built-in voice (voice.json); without it, voice names go to the engine as they are. */
  voicesFolder?: string;
  sampleRate?: number;
}

/** flite when it is installed (clearer, and its voices are more natural), else espeak-ng. */
export function createEmbeddedTtsEngine(options: EmbeddedTtsEngineOptions = {}): TtsEngine {
  const sampleRate = options.sampleRate ?? defaultTtsSampleRate;
  const engine = isFliteInstalled() ? createFliteEngine({ sampleRate }) : createEspeakEngine({ sampleRate });
  return options.voicesFolder ? withEmbeddedVoiceMapping(engine, options.voicesFolder) : engine;
}

let fliteInstalled: boolean | undefined;

/** Whether `flite` runs here; asked once per process (a few ms). */
export function isFliteInstalled(): boolean {
  // `flite --version` exits 1 even when flite works; listing the voices exits 0.
  fliteInstalled ??= spawnSync('flite', ['-lv'], { stdio: 'ignore', timeout: 5000 }).status === 0;
  return fliteInstalled;
}
