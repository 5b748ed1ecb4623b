/**
 * How chat messages become the prompt a model was trained on. A model with a chat template
 * (every Llama 3 Instruct GGUF has one) gets node-llama-cpp's wrapper for that template,
 * Llama3ChatWrapper for Llama 3's; a Llama 3 file without a template still gets Llama 3's
 * format, guessed from its name; anything else, the tiny test model included, gets the
 * plain "### User / ### Assistant" fallback. node-llama-cpp's own guess for a template-less
 * llama file is the Llama 2 format, whose [INST] markers the tiny model's byte vocabulary
 * would spell out letter by letter.
 */
import { type ChatWrapper, GeneralChatWrapper, Llama3ChatWrapper, type LlamaModel, resolveChatWrapper } from 'node-llama-cpp';
import type { GgufSummary } from './gguf-inspector.js';

export function chooseChatWrapper(model: LlamaModel, summary: GgufSummary, modelPath: string): ChatWrapper {
  if (summary.strings.has('tokenizer.chat_template')) return resolveChatWrapper(model, { warningLogs: false });
  const name = `${summary.strings.get('general.name') ?? ''} ${modelPath}`;
  if (/llama[-_ .]?3/i.test(name)) return new Llama3ChatWrapper();
  return new GeneralChatWrapper();
}
