/**
 * Builds the fastify app: credentials and metrics first (their hooks must cover every route),
 * then WebSocket and multipart support, then the API routes and the web app (`web/dist`). It does not listen (`server.ts`
 * does), so tests drive it on an ephemeral port or through `inject`.
 */
import multipart from '@fastify/multipart';
import websocket from '@fastify/websocket';
import fastify, { type FastifyError, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { PersonaError } from '../errors.js';
import type { PersonaRuntime } from '../voice/persona-runtime.js';
import { createAudioStore } from './audio-store.js';
import { errorBody, installAuth } from './auth/install-auth.js';
import { installMetrics } from './metrics/install-metrics.js';
import { installJsonBodyParser } from './json-body-parser.js';
import { HttpError, statusOf } from './request-persona.js';
import { createBatchQueue } from '../batch/create-batch-queue.js';
import { turnFingerprint } from '../store/conversation-repository.js';
import { registerBatchRoutes } from './routes/batch-route.js';
import { registerChatCompletionsRoute } from './routes/chat-completions-route.js';
import { registerFeedbackRoute } from './routes/feedback-route.js';
import { registerHealthRoute } from './routes/health-route.js';
import { registerInteractRoutes } from './routes/interact-route.js';
import { registerPersonaRoutes } from './routes/personas-route.js';
import { registerSpeechRoute } from './routes/speech-route.js';
import { registerTalkRoute } from './routes/talk-route.js';
import { registerTranscriptionsRoute } from './routes/transcriptions-route.js';
import { registerWebRoutes } from './routes/web-route.js';

export interface AppOptions {
  runtime: PersonaRuntime;
  /** Close the runtime with the app (the server does; tests that share a runtime do not). */
  closeRuntime?: boolean;
  logger?: FastifyServerOptions['logger'];
  /** Largest upload to `/v1/audio/transcriptions` (default 25 MiB, as OpenAI's). */
  maxUploadBytes?: number;
}

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const { runtime } = options;
  const app = fastify({ logger: options.logger ?? false, bodyLimit: 1024 * 1024 });

  installAuth(app, { store: runtime.store, home: runtime.config.home });
  const metrics = installMetrics(app);
  app.setErrorHandler(answerError);
  installJsonBodyParser(app);
  app.setNotFoundHandler((request, reply) => reply.code(404).send(errorBody('not-found', `no route ${request.method} ${request.url.split('?')[0]}`)));

  // Frames over the session limit get an error event and the session survives; only absurd ones close it.
  await app.register(websocket, { options: { maxPayload: Math.max(4 * runtime.config.server.maxFrameBytes, 1024 * 1024) } });
  await app.register(multipart, { limits: { fileSize: options.maxUploadBytes ?? 25 * 1024 * 1024, files: 1, fields: 10 } });

  // An answer's audio goes with its turn, which `persona forget` deletes when it quoted the forgotten source.
  const audioStore = createAudioStore({ turnFingerprint: (turnId) => turnFingerprint(runtime.store.database, turnId) });
  registerHealthRoute(app, runtime);
  const talk = registerTalkRoute(app, { runtime, metrics });
  registerInteractRoutes(app, { runtime, audioStore, metrics });
  registerChatCompletionsRoute(app, runtime);
  registerSpeechRoute(app, { runtime, metrics });
  registerTranscriptionsRoute(app, runtime);
  registerPersonaRoutes(app, { database: runtime.store.database, defaultPersona: runtime.config.persona });
  registerFeedbackRoute(app, { database: runtime.store.database });
  // Jobs left queued or running by an earlier server are picked up again here.
  const batchQueue = await createBatchQueue(runtime, { onError: (error, jobId) => app.log.error({ err: error, jobId }, 'batch job failed') });
  registerBatchRoutes(app, { runtime, queue: batchQueue });
  // The PWA and the widget script, public: the auth hook guards only /v1 and /metrics.
  await registerWebRoutes(app);

  app.addHook('onClose', async () => {
    await talk.closeSessions();
    await batchQueue.close();
    if (options.closeRuntime) await runtime.close();
  });
  return app;
}

/** Every error is `{error: {code, message}}` with a status that says whose fault it was. */
function answerError(error: FastifyError | Error, _request: unknown, reply: import('fastify').FastifyReply): void {
  const fastifyError = error as FastifyError;
  if (error instanceof HttpError || error instanceof PersonaError) {
    const status = statusOf(error);
    if (status >= 500) reply.log.error(error);
    void reply.code(status).send(errorBody(error.code, error.message));
    return;
  }
  if (fastifyError.statusCode && fastifyError.statusCode < 500) {
    void reply.code(fastifyError.statusCode).send(errorBody(fastifyError.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || fastifyError.statusCode === 400 ? 'invalid-request' : fastifyError.code ?? 'invalid-request', error.message));
    return;
  }
  reply.log.error(error);
  void reply.code(500).send(errorBody('internal', `internal error: ${error.message}`));
}
