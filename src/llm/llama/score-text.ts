/**
 * How likely a model finds a given reply to a prompt: the log-probability of each of the
 * reply's tokens given everything before it, and the perplexity exp(−mean log p). Style
 * evaluation scores the persona's real replies with and without a LoRA adapter: a lower
 * perplexity under the adapter means the adapter has learnt to expect how the person writes.
 *
 * node-llama-cpp's `controlledEvaluate` returns, for the positions asked, the probabilities
 * of every next token. At temperature 0 its sampler chain is greedy only, so that list is
 * the plain softmax of the model's logits over the whole vocabulary, untouched by top-k,
 * top-p or a repeat penalty.
 */
import type { ChatWrapper, LlamaContextSequence, LlamaModel, Token } from 'node-llama-cpp';
import { PersonaError } from '../../errors.js';
import type { ChatMessage } from '../llm-engine.js';
import { toChatHistory } from './to-chat-history.js';

export interface TextScore {
  /** Tokens of the reply that were scored. */
  tokens: number;
  /** Sum of the natural-log probabilities of the reply's tokens. */
  logProbability: number;
  /** exp(−logProbability / tokens): 1 when the model is certain of every token; the vocabulary size for a uniform guess. */
  perplexity: number;
  /** Prompt tokens dropped from the start because prompt and reply did not fit the context. */
  droppedPromptTokens: number;
}

export interface ScoreTextInput {
  /** The prompt: system and user messages (an assistant message last would be continued instead). */
  messages: readonly ChatMessage[];
  /** The reply to score, as the model's answer to `messages`. */
  reply: string;
  signal?: AbortSignal;
}

/** A probability below this counts as this (about e^−69): one impossible token must not make the whole score infinite. */
const smallestProbability = 1e-30;

/**
 * Scores `input.reply` on `sequence`, whose history it replaces. Returns undefined when the
 * signal aborted first (an abort is a normal ending).
 */
export async function scoreText(sequence: LlamaContextSequence, model: LlamaModel, chatWrapper: ChatWrapper, input: ScoreTextInput): Promise<TextScore | undefined> {
  if (input.signal?.aborted) return undefined;
  const replyTokens = model.tokenize(input.reply, false, 'trimLeadingSpace');
  if (replyTokens.length === 0) throw new PersonaError('input-unsupported', 'scoreText: the reply to score is empty');
  const { contextText } = chatWrapper.generateContextState({ chatHistory: toChatHistory(input.messages, chatWrapper) });
  let promptTokens: Token[] = contextText.tokenize(model.tokenizer);
  const contextSize = sequence.contextSize;
  if (replyTokens.length + 1 > contextSize) {
    throw new PersonaError('input-too-large', `scoreText: the reply is ${replyTokens.length} tokens, longer than the ${contextSize}-token context`);
  }
  // The reply is what is measured, so it is the prompt that gives way, oldest tokens first.
  const room = contextSize - replyTokens.length;
  const droppedPromptTokens = Math.max(0, promptTokens.length - room);
  if (droppedPromptTokens > 0) promptTokens = promptTokens.slice(droppedPromptTokens);
  if (promptTokens.length === 0) throw new PersonaError('input-unsupported', 'scoreText: the prompt renders to no tokens');

  await sequence.clearHistory();
  if (input.signal?.aborted) return undefined;
  // Every position from the prompt's last token to the reply's second last predicts the next
  // token, which is known: ask for the probabilities there and read off the known token's.
  const tokens = [...promptTokens, ...replyTokens.slice(0, -1)];
  const firstPredicting = promptTokens.length - 1;
  const results = await sequence.controlledEvaluate(
    tokens.map((token, index) => (index >= firstPredicting ? [token, { generateNext: { probabilities: true, options: { temperature: 0 } } }] : token)),
  );
  if (input.signal?.aborted) return undefined;
  let logProbability = 0;
  for (let index = 0; index < replyTokens.length; index += 1) {
    const probabilities = results[firstPredicting + index]?.next.probabilities;
    if (probabilities === undefined) throw new PersonaError('service-unavailable', `scoreText: llama.cpp returned no probabilities at reply token ${index}`);
    logProbability += Math.log(Math.max(probabilities.get(replyTokens[index]!) ?? 0, smallestProbability));
  }
  return {
    tokens: replyTokens.length,
    logProbability,
    perplexity: Math.exp(-logProbability / replyTokens.length),
    droppedPromptTokens,
  };
}
