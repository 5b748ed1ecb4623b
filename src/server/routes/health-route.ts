/** `GET /healthz` (public): alive, and which engine serves each stage. */
import type { FastifyInstance } from 'fastify';
import type { PersonaRuntime } from '../../voice/persona-runtime.js';

export function registerHealthRoute(app: FastifyInstance, runtime: PersonaRuntime): void {
  const started = Date.now();
  app.get('/healthz', async () => ({
    status: 'ok',
    uptimeSeconds: Math.round((Date.now() - started) / 1000),
    engines: { stt: runtime.stt.id, llm: runtime.llmName, tts: runtime.tts.id, embeddedTts: runtime.embeddedTts.id },
  }));
}
