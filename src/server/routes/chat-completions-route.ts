/**
 * `POST /v1/chat/completions`, OpenAI-compatible, so existing chat clients can talk to the
 * persona. `model` names the persona (an unknown name means the default persona); earlier
 * messages become the conversation's history; the last user message is the question. With
 * `stream: true` the answer comes as server-sent `chat.completion.chunk` events.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { describeError } from '../../errors.js';
import { answerQuestion, type Answer } from '../../llm/answer-question.js';
import { addTurn, startConversation } from '../../store/conversation-repository.js';
import { findPersona } from '../../store/persona-repository.js';
import type { PersonaRuntime } from '../../voice/persona-runtime.js';
import { parseBody } from '../parse-body.js';
import { HttpError, requestPersona } from '../request-persona.js';
import { maximumChatMessageCharacters, maximumChatMessages, maximumQuestionLength } from '../request-limits.js';
import { requestSignal } from '../request-signal.js';

const contentSchema = z.union([
  z.string(),
  z.array(z.object({ type: z.string(), text: z.string().optional() }).passthrough()).transform((parts) => parts.map((part) => part.text ?? '').join('')),
]);

const chatSchema = z.object({
  model: z.string().default('persona'),
  messages: z
    .array(
      z
        .object({
          role: z.enum(['system', 'developer', 'user', 'assistant', 'tool']),
          content: contentSchema
            .nullable()
            .default('')
            .refine((text) => (text ?? '').length <= maximumChatMessageCharacters, `at most ${maximumChatMessageCharacters} characters per message`),
        })
        .passthrough(),
    )
    .min(1, 'at least one message')
    .max(maximumChatMessages, `at most ${maximumChatMessages} messages per request (the answer reads only the last 12 turns)`),
  stream: z.boolean().optional(),
});

export function registerChatCompletionsRoute(app: FastifyInstance, runtime: PersonaRuntime): void {
  app.post('/v1/chat/completions', async (request, reply) => {
    const body = parseBody(chatSchema, request.body, 'chat completion request');
    const database = runtime.store.database;
    const persona = requestPersona(request, findPersona(database, body.model) ? body.model : undefined, runtime.config.persona);
    const lastUser = body.messages.findLastIndex((message) => message.role === 'user');
    const question = lastUser >= 0 ? (body.messages[lastUser]!.content ?? '').trim() : '';
    if (!question) throw new HttpError(400, 'invalid-request', 'Invalid chat completion request: messages: the last user message is missing or empty');
    // The same limit as /v1/interact's text and the WebSocket's text message: the question is stored and searched with.
    if (question.length > maximumQuestionLength) {
      throw new HttpError(400, 'invalid-request', `Invalid chat completion request: messages.${lastUser}.content: the question is ${question.length} characters long; at most ${maximumQuestionLength}`);
    }
    const services = await runtime.forPersona(persona);
    const conversationId = startConversation(database, persona, { via: 'chat-completions', model: body.model });
    for (const message of body.messages.slice(0, lastUser)) {
      // The persona's own system prompt is built from its corpus; a client's system prompt is not allowed to replace it.
      if (message.role === 'user' || message.role === 'assistant') addTurn(database, conversationId, { role: message.role === 'user' ? 'user' : 'persona', text: message.content ?? '' });
    }
    const signal = requestSignal(reply);
    const id = `chatcmpl-${crypto.randomUUID()}`;
    const created = Math.floor(Date.now() / 1000);
    const ask = (onDelta?: (text: string) => void): Promise<Answer> =>
      answerQuestion({ store: runtime.store, retriever: services.retrieval.retriever, engine: services.engine, vault: runtime.vault, persona, conversationId, question, signal, onDelta });

    if (!body.stream) {
      const answer = await ask();
      return {
        id,
        object: 'chat.completion',
        created,
        model: persona,
        choices: [{ index: 0, message: { role: 'assistant', content: answer.answer }, finish_reason: 'stop' }],
        usage: null,
        persona: { sources: answer.sources, engine: answer.engine, adapter: answer.adapter.id ?? null, turnId: answer.turnId },
      };
    }

    reply.hijack();
    reply.raw.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive' });
    const chunk = (delta: Record<string, unknown>, finishReason: string | null = null, extra: Record<string, unknown> = {}): void => {
      if (reply.raw.writableEnded) return;
      reply.raw.write(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model: persona, choices: [{ index: 0, delta, finish_reason: finishReason }], ...extra })}\n\n`);
    };
    chunk({ role: 'assistant' });
    try {
      const answer = await ask((text) => chunk({ content: text }));
      chunk({}, 'stop', { persona: { sources: answer.sources, engine: answer.engine, adapter: answer.adapter.id ?? null, turnId: answer.turnId } });
    } catch (error) {
      // The status line is already sent: the error goes in the stream, as OpenAI's servers do.
      if (!reply.raw.writableEnded) reply.raw.write(`data: ${JSON.stringify({ error: { code: 'turn-failed', message: describeError(error) } })}\n\n`);
    }
    if (!reply.raw.writableEnded) reply.raw.end('data: [DONE]\n\n');
  });
}
