/**
 * The contract's chat messages as node-llama-cpp's chat history, ending with the model turn
 * to be written. A conversation that ends with an assistant message asks the model to
 * continue that message (a response prefix) rather than to start a new one.
 */
import type { ChatHistoryItem } from 'node-llama-cpp';
import type { ChatMessage } from '../llm-engine.js';

export function toChatHistory(messages: readonly ChatMessage[]): ChatHistoryItem[] {
  const history: ChatHistoryItem[] = messages.map((message): ChatHistoryItem => {
    switch (message.role) {
      case 'system':
        return { type: 'system', text: message.content };
      case 'user':
        return { type: 'user', text: message.content };
      case 'assistant':
        return { type: 'model', response: [message.content] };
    }
  });
  if (history.at(-1)?.type !== 'model') history.push({ type: 'model', response: [] });
  return history;
}
