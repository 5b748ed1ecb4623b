/**
 * The engine a configuration (or `--engine`) names. `auto` runs the GGUF model when its
 * file is present and otherwise the recall engine, so a fresh machine still answers.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../config.js';
import { ConfigError, PersonaError } from '../errors.js';
import type { HybridRetriever } from '../rag/hybrid-retriever.js';
import { createLlamaEngine } from './llama/llama-engine.js';
import type { LlmEngine } from './llm-engine.js';
import { createOpenAiEngine } from './openai/openai-engine.js';
import { createRecallEngine } from './recall/recall-engine.js';

export type EngineName = Config['llm']['engine'];

/** A GGUF path as given, or the first .gguf file in models/NAME/. */
export function resolveModelFile(config: Pick<Config, 'llm' | 'modelsFolder'>): string | undefined {
  const named = config.llm.model;
  if (named.endsWith('.gguf')) return existsSync(named) ? path.resolve(named) : undefined;
  const folder = path.join(config.modelsFolder, named);
  if (!existsSync(folder) || !statSync(folder).isDirectory()) return undefined;
  const file = readdirSync(folder).find((name) => name.endsWith('.gguf'));
  return file ? path.join(folder, file) : undefined;
}

/** The engine `auto` stands for on this machine: llama when its model file is present, else recall. */
export function chooseEngineName(config: Pick<Config, 'llm' | 'modelsFolder'>, name: EngineName = config.llm.engine): Exclude<EngineName, 'auto'> {
  if (name !== 'auto') return name;
  return resolveModelFile(config) ? 'llama' : 'recall';
}

export async function createEngine(config: Config, name: EngineName, retriever: HybridRetriever): Promise<LlmEngine> {
  const modelFile = resolveModelFile(config);
  const chosen = chooseEngineName(config, name);
  switch (chosen) {
    case 'recall':
      return createRecallEngine({ search: (query, options) => retriever.search(query, options) });
    case 'openai':
      if (!config.llm.url) throw new ConfigError('The openai engine needs a server: set PERSONA_LLM_URL (and PERSONA_LLM_API_MODEL)');
      return createOpenAiEngine({ baseUrl: config.llm.url, apiKey: config.llm.apiKey, model: config.llm.apiModel, adapterMode: config.llm.adapterMode });
    case 'llama':
      if (!modelFile) {
        throw new PersonaError(
          'not-found',
          `No GGUF model for "${config.llm.model}" (PERSONA_LLM_MODEL) in ${config.modelsFolder}; run \`persona models pull ${config.llm.model}\`, or give a .gguf path`,
        );
      }
      return createLlamaEngine({ modelPath: modelFile, gpu: config.llm.gpu === 'off' ? false : 'auto', modelName: config.llm.model });
  }
}
