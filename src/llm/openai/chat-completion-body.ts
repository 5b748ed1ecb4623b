/**
 * The JSON body of a streaming `/v1/chat/completions` request, with the LoRA adapter
 * expressed the way the remote server wants it:
 * - vLLM serves each LoRA as a model of its own (`--lora-modules NAME=PATH`), so the
 *   adapter's served name replaces the base model name;
 * - llama-server loads adapters at start (`--lora FILE`, numbered in order) and takes
 *   per-request scales as `lora: [{id, scale}]` next to the base model.
 */
import { ConfigError } from '../../errors.js';
import type { AdapterChoice, GenerateRequest } from '../llm-engine.js';

export type AdapterMode = 'vllm' | 'llama-server' | 'none';

export interface ChatCompletionBody {
  model: string;
  messages: { role: string; content: string }[];
  stream: true;
  temperature?: number;
  max_tokens?: number;
  seed?: number;
  lora?: { id: number; scale: number }[];
}

export function chatCompletionBody(request: GenerateRequest, model: string, adapterMode: AdapterMode): ChatCompletionBody {
  const body: ChatCompletionBody = {
    model,
    messages: request.messages.map((message) => ({ role: message.role, content: message.content })),
    stream: true,
  };
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.maxTokens !== undefined) body.max_tokens = request.maxTokens;
  if (request.seed !== undefined) body.seed = request.seed;
  const adapter = request.adapter;
  if (adapterMode === 'vllm' && adapter) body.model = adapter.servedName ?? adapter.id;
  if (adapterMode === 'llama-server') {
    // Always sent, empty without an adapter: llama-server sets every adapter it lists to
    // scale 0 except those named here, so the answer never depends on the server's
    // global scales (which any client can change through POST /lora-adapters).
    body.lora = adapter ? [{ id: llamaServerAdapterId(adapter), scale: adapter.scale ?? 1 }] : [];
  }
  return body;
}

function llamaServerAdapterId(adapter: AdapterChoice): number {
  const served = adapter.servedName ?? adapter.id;
  const id = Number(served);
  if (served.trim() === '' || !Number.isInteger(id) || id < 0) {
    throw new ConfigError(
      `Adapter "${adapter.id}": llama-server knows adapters by number (the order of its --lora flags, from 0), but its served name is "${served}"`,
    );
  }
  return id;
}
