/**
 * The LLM engine contract: chat messages in, a stream of text deltas out. Engines: llama
 * (node-llama-cpp, GGUF + LoRA), openai (any OpenAI-compatible server), recall (no model:
 * the persona's own closest verbatim answers).
 */
import type { SearchHit } from '../rag/hybrid-retriever.js';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** Which LoRA adapter answers; engines that cannot apply adapters ignore it and say so in capabilities. */
export interface AdapterChoice {
  id: string;
  /** The adapter's GGUF file (llama engine). */
  filePath?: string;
  /** LoRA scale, default 1. */
  scale?: number;
  /** The name a remote server knows it by: vLLM's LoRA model name, or llama-server's adapter id. */
  servedName?: string;
}

export interface GenerateRequest {
  messages: readonly ChatMessage[];
  adapter?: AdapterChoice;
  signal?: AbortSignal;
  maxTokens?: number;
  /** 0 = greedy (tests and reproducible runs). */
  temperature?: number;
  seed?: number;
  /**
   * Engines that find their own passages (recall) report them here, for this request only:
   * several turns may share one engine at once (batch, concurrent sessions).
   */
  onPassages?: (passages: readonly SearchHit[]) => void;
}

export interface TextDelta {
  type: 'text-delta';
  text: string;
}

export interface LlmEngineCapabilities {
  adapters: boolean;
  streaming: boolean;
  /** Whether it runs a model at all (recall does not). */
  generative: boolean;
  /** The context window in the model's tokens, when the engine knows it: prompts are fitted into it. */
  contextTokens?: number;
}

export interface LlmEngine {
  readonly id: 'llama' | 'openai' | 'recall';
  readonly capabilities: LlmEngineCapabilities;
  /** Streams the answer; an abort ends the stream quietly (an abort is a normal ending, not an error). */
  generate(request: GenerateRequest): AsyncIterable<TextDelta>;
  /** The model's own token count for a text, when the engine has a tokenizer; prompts are budgeted with it. */
  countTokens?(text: string): number;
  close(): Promise<void>;
}
