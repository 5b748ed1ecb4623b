/**
 * The contract's chat messages as node-llama-cpp's chat history, ending with the model turn
 * to be written. A conversation that ends with an assistant message asks the model to
 * continue that message (a response prefix) rather than to start a new one.
 *
 * Llama 3's chat template (3, 3.1 and 3.2 alike) trims every message (`message['content'] |
 * trim`), so that is what the model saw in training (trl renders examples with the template);
 * node-llama-cpp's Llama 3 wrappers render the text as given. Trimming here makes the tokens
 * the engine feeds the model the template's, which tests/llm/lora-pipeline.test.ts checks
 * against transformers' apply_chat_template. A response prefix keeps its trailing space: the
 * answer continues from exactly there.
 */
import { type ChatHistoryItem, type ChatWrapper, Llama3ChatWrapper, Llama3_1ChatWrapper, Llama3_2LightweightChatWrapper } from 'node-llama-cpp';
import type { ChatMessage } from '../llm-engine.js';

/** Whether the chat format's template trims message text (Llama 3's do). */
export function templateTrimsMessages(chatWrapper: ChatWrapper): boolean {
  return chatWrapper instanceof Llama3ChatWrapper || chatWrapper instanceof Llama3_1ChatWrapper || chatWrapper instanceof Llama3_2LightweightChatWrapper;
}

export function toChatHistory(messages: readonly ChatMessage[], chatWrapper?: ChatWrapper): ChatHistoryItem[] {
  const trim = chatWrapper !== undefined && templateTrimsMessages(chatWrapper);
  const last = messages.length - 1;
  const text = (content: string, index: number, role: ChatMessage['role']): string => {
    if (!trim) return content;
    return index === last && role === 'assistant' ? content.trimStart() : content.trim();
  };
  const history: ChatHistoryItem[] = messages.map((message, index): ChatHistoryItem => {
    switch (message.role) {
      case 'system':
        return { type: 'system', text: text(message.content, index, message.role) };
      case 'user':
        return { type: 'user', text: text(message.content, index, message.role) };
      case 'assistant':
        return { type: 'model', response: [text(message.content, index, message.role)] };
    }
  });
  if (history.at(-1)?.type !== 'model') history.push({ type: 'model', response: [] });
  return history;
}
