/**
 * The STT engine a configuration (or `--engine`) names: pocketsphinx (embedded, no
 * download), whisper (whisper.cpp with the model of `stt.whisperModel`), openai (a
 * `/v1/audio/transcriptions` server at `stt.url`). Async because whisper loads its model.
 */
import path from 'node:path';
import type { Config } from '../config.js';
import { ConfigError } from '../errors.js';
import { createOpenAiSttEngine } from './openai/openai-stt-engine.js';
import { createPocketsphinxEngine } from './pocketsphinx/pocketsphinx-engine.js';
import type { SttEngine } from './stt-engine.js';
import { createWhisperEngine } from './whisper/whisper-engine.js';
import { resolveWhisperModel } from './whisper/whisper-model-file.js';
import type { WhisperGpu } from './whisper/whisper-native.js';

export type SttEngineName = Config['stt']['engine'];
export const sttEngineNames: readonly SttEngineName[] = ['pocketsphinx', 'whisper', 'openai'];

export interface CreateSttEngineOptions {
  /** Overrides `stt.engine`. */
  engine?: SttEngineName;
  /** For whisper: auto (default) tries the CUDA and Vulkan builds before the CPU one. */
  gpu?: WhisperGpu;
}

export async function createSttEngine(config: Config, options: CreateSttEngineOptions = {}): Promise<SttEngine> {
  const name = options.engine ?? config.stt.engine;
  switch (name) {
    case 'pocketsphinx':
      return createPocketsphinxEngine({ cacheFolder: path.join(config.home, 'cache', 'pocketsphinx') });
    case 'whisper': {
      const model = resolveWhisperModel(config.stt.whisperModel, config.modelsFolder);
      return createWhisperEngine({ modelPath: model.path, modelName: model.modelName, gpu: options.gpu ?? 'auto' });
    }
    case 'openai':
      if (!config.stt.url) {
        throw new ConfigError('The openai STT engine needs a transcription server: set PERSONA_STT_URL (stt.url), and PERSONA_STT_API_MODEL if it is not whisper-1');
      }
      return createOpenAiSttEngine({ baseUrl: config.stt.url, model: config.stt.apiModel, apiKey: config.stt.apiKey });
    default:
      throw new ConfigError(`Unknown STT engine "${String(name)}" (stt.engine, PERSONA_STT_ENGINE): use ${sttEngineNames.join(', ')}`);
  }
}
