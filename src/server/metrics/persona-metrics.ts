/**
 * The service's Prometheus metrics, in a registry of their own (not prom-client's global
 * one), so several apps in one process, as in tests, never collide.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export type TurnOutcome = 'completed' | 'interrupted' | 'failed';
export type TurnStage = 'stt' | 'retrieval' | 'first_token' | 'first_sentence' | 'first_audio';

export const turnStages: readonly TurnStage[] = ['stt', 'retrieval', 'first_token', 'first_sentence', 'first_audio'];

export interface TurnRecord {
  outcome: TurnOutcome;
  /** Milliseconds per stage, as in the `turn-metrics` event; stages the turn never reached are left out. */
  stageMilliseconds?: Partial<Record<TurnStage, number>>;
}

export interface HttpRequestRecord {
  method: string;
  /** The route pattern (`/v1/talk`), never the raw URL: one series per route, not per URL. */
  route: string;
  status: number;
  seconds: number;
}

export interface PersonaMetrics {
  readonly registry: Registry;
  recordHttpRequest(request: HttpRequestRecord): void;
  recordTurn(turn: TurnRecord): void;
  sessionOpened(): void;
  sessionClosed(): void;
  ttsFallback(): void;
  /** The exposition text and its content type, for `GET /metrics`. */
  render(): Promise<{ body: string; contentType: string }>;
}

export function createPersonaMetrics(): PersonaMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });

  const httpDuration = new Histogram({
    name: 'persona_http_request_duration_seconds',
    help: 'HTTP request duration, by method, route pattern and status code',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const sessions = new Gauge({
    name: 'persona_talk_sessions',
    help: 'Talk sessions (WebSocket /v1/talk) open now',
    registers: [registry],
  });
  const turns = new Counter({
    name: 'persona_turns_total',
    help: 'Conversation turns, by how they ended',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const stageSeconds = new Histogram({
    name: 'persona_turn_stage_seconds',
    help: 'Time per turn stage: end of speech to final transcript (stt), retrieval, and from end of speech to first token, first sentence, first audio byte',
    labelNames: ['stage'] as const,
    // Spoken conversation lives between 0.1 s and a few seconds; finer where it matters most.
    buckets: [0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10],
    registers: [registry],
  });
  const ttsFallbacks = new Counter({
    name: 'persona_tts_fallbacks_total',
    help: 'Sentences spoken by the fallback TTS engine because the configured one failed or was busy',
    registers: [registry],
  });

  // Zero-valued series from the start, so dashboards and rate() see every outcome.
  for (const outcome of ['completed', 'interrupted', 'failed'] as const) turns.labels(outcome).inc(0);

  return {
    registry,
    recordHttpRequest({ method, route, status, seconds }) {
      httpDuration.labels(method, route, String(status)).observe(seconds);
    },
    recordTurn({ outcome, stageMilliseconds = {} }) {
      turns.labels(outcome).inc();
      for (const stage of turnStages) {
        const milliseconds = stageMilliseconds[stage];
        // A metric must never break a turn: a missing or impossible time is skipped, not thrown.
        if (milliseconds === undefined || !Number.isFinite(milliseconds) || milliseconds < 0) continue;
        stageSeconds.labels(stage).observe(milliseconds / 1000);
      }
    },
    sessionOpened() {
      sessions.inc();
    },
    sessionClosed() {
      sessions.dec();
    },
    ttsFallback() {
      ttsFallbacks.inc();
    },
    async render() {
      return { body: await registry.metrics(), contentType: registry.contentType };
    },
  };
}
