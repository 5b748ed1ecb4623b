/**
 * The configured LLM engine when it writes text (llama, openai), for persona building; none
 * when it is the recall engine, which only quotes the corpus and so cannot write a profile
 * or questions. Those callers then take their deterministic path.
 */
import type { Config } from '../../config.js';
import { chooseEngineName, createEngine, type EngineName } from '../../llm/create-engine.js';
import type { LlmEngine } from '../../llm/llm-engine.js';
import type { HybridRetriever } from '../../rag/hybrid-retriever.js';

/** Generative engines never search; only recall would use a retriever. */
const noRetrieval: HybridRetriever = { search: async () => ({ hits: [], denseCoverage: 0 }) };

export async function openGenerativeEngine(config: Config, name: EngineName = config.llm.engine): Promise<LlmEngine | undefined> {
  if (chooseEngineName(config, name) === 'recall') return undefined;
  const engine = await createEngine(config, name, noRetrieval);
  if (engine.capabilities.generative) return engine;
  await engine.close();
  return undefined;
}
