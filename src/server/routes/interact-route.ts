/**
 * `POST /v1/interact {text, persona?, voice?, adapter?, conversation_id?}` → `{response_text,
 * audio_url, sources, conversation_id}`: one whole turn over plain HTTP, for clients without
 * WebSockets. The audio is kept for an hour at `GET /v1/audio/:id` (`?format=wav|mp3|ogg`).
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { audioContentTypes, audioFormats, encodeAudio, type AudioFormat } from '../../audio/encode-audio.js';
import { answerQuestion } from '../../llm/answer-question.js';
import { conversationExists, startConversation } from '../../store/conversation-repository.js';
import { chooseVoices } from '../../voice/choose-voices.js';
import type { PersonaRuntime } from '../../voice/persona-runtime.js';
import { synthesizeText } from '../../voice/synthesize-text.js';
import type { AudioStore } from '../audio-store.js';
import { personaAllowed } from '../auth/request-auth.js';
import type { PersonaMetrics } from '../metrics/persona-metrics.js';
import { parseBody } from '../parse-body.js';
import { HttpError, requestPersona } from '../request-persona.js';
import { maximumQuestionLength } from '../request-limits.js';
import { adapterNameSchema, voiceNameSchema } from '../request-names.js';
import { requestSignal } from '../request-signal.js';

/** The ids `audioStore.put` makes: random UUIDs. */
const audioIdPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const interactSchema = z.strictObject({
  text: z.string().trim().min(1, 'must not be empty').max(maximumQuestionLength, `at most ${maximumQuestionLength} characters`),
  persona: z.string().optional(),
  voice: voiceNameSchema.optional(),
  adapter: adapterNameSchema.optional(),
  conversation_id: z.string().uuid().optional(),
});

export function registerInteractRoutes(app: FastifyInstance, options: { runtime: PersonaRuntime; audioStore: AudioStore; metrics: PersonaMetrics }): void {
  const { runtime, audioStore } = options;

  app.post('/v1/interact', async (request, reply) => {
    const body = parseBody(interactSchema, request.body, 'interact request');
    const persona = requestPersona(request, body.persona, runtime.config.persona);
    const signal = requestSignal(reply);
    const services = await runtime.forPersona(persona);
    const voices = await chooseVoices(runtime, body.voice);
    const database = runtime.store.database;
    if (body.conversation_id && !conversationExists(database, body.conversation_id, persona)) {
      throw new HttpError(404, 'not-found', `conversation_id ${body.conversation_id} is not a conversation of persona "${persona}"`);
    }
    const conversationId = body.conversation_id ?? startConversation(database, persona, { via: 'interact' });
    const answer = await answerQuestion({
      store: runtime.store,
      retriever: services.retrieval.retriever,
      engine: services.engine,
      vault: runtime.vault,
      persona,
      conversationId,
      question: body.text,
      adapter: { requested: body.adapter },
      signal,
    });
    const spoken = await synthesizeText(voices, answer.answer, signal, () => options.metrics.ttsFallback());
    const id = audioStore.put({ persona, pcm: spoken.pcm, sampleRate: spoken.sampleRate, turnId: answer.turnId });
    return {
      response_text: answer.answer,
      audio_url: `/v1/audio/${id}`,
      sources: answer.sources,
      conversation_id: conversationId,
      turn_id: answer.turnId,
      engine: { llm: answer.engine, tts: spoken.engine },
      adapter: answer.adapter.id ?? null,
      timings: answer.timings,
    };
  });

  // A wildcard, not `:id`: the router refuses params over 100 characters and a long id then fell
  // through to the web app's static files (a 403 about paths); here every id gets a clear answer.
  app.get<{ Params: { '*': string }; Querystring: { format?: string } }>('/v1/audio/*', async (request, reply) => {
    const id = request.params['*'];
    if (!audioIdPattern.test(id)) {
      throw new HttpError(400, 'invalid-request', `audio id: "${id.length > 60 ? `${id.slice(0, 60)}…` : id}" (${id.length} characters) is not an audio id; use the audio_url /v1/interact returned`);
    }
    const audio = audioStore.get(id);
    // Another persona's audio is answered exactly as a missing one: a scoped token must not learn that it exists.
    if (!audio || !personaAllowed(request.auth, audio.persona)) throw new HttpError(404, 'not-found', `no audio ${id} (audio is kept for an hour after it is made)`);
    const format = request.query.format ?? 'wav';
    if (!audioFormats.includes(format as AudioFormat)) throw new HttpError(400, 'invalid-request', `format must be wav, mp3 or ogg, not "${format}"`);
    const bytes = await encodeAudio(audio.pcm, audio.sampleRate, format as AudioFormat, { signal: requestSignal(reply) });
    return reply.type(audioContentTypes[format as AudioFormat]).send(bytes);
  });
}
