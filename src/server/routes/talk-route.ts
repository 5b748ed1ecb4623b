/**
 * `GET /v1/talk` (WebSocket): the voice conversation. Frames are checked here — size, rate,
 * JSON shape — and a bad frame gets an `error` event while the session goes on; what the
 * frames mean is the voice session's business.
 */
import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import { encodeAudioFrame, parseClientMessage, type ServerEvent } from '../../events.js';
import type { PersonaRuntime } from '../../voice/persona-runtime.js';
import { createVadPool, type VadPool } from '../../voice/vad-pool.js';
import { createVoiceSession } from '../../voice/voice-session.js';
import { personaAllowed } from '../auth/request-auth.js';
import type { PersonaMetrics } from '../metrics/persona-metrics.js';
import { createRateLimiter } from '../rate-limiter.js';
import { createSessionLimits } from '../session-limits.js';

export interface TalkRouteOptions {
  runtime: PersonaRuntime;
  metrics: PersonaMetrics;
}

/** RFC 6455's "Try Again Later": the server is at its session limit, not broken. */
export const tooManySessionsCloseCode = 1013;

export interface TalkRoute {
  /** Sessions open now (all keys, or one). */
  openSessions(keyId?: string): number;
  /** The VADs the sessions share. */
  readonly vads: VadPool;
  /** Ends every open session and waits until each has let go of its VAD and its turn. */
  closeSessions(): Promise<void>;
}

export function registerTalkRoute(app: FastifyInstance, options: TalkRouteOptions): TalkRoute {
  const { runtime, metrics } = options;
  const limits = runtime.config.server;
  const open = new Map<WebSocket, () => Promise<void>>();
  const closing = new Set<Promise<void>>();
  const sessionLimits = createSessionLimits(limits);
  // As many VADs may be kept as sessions may be open: memory onnxruntime would not give back anyway, reused instead of grown.
  const vads = createVadPool(() => runtime.createVad(), { maxIdle: limits.maxSessions });

  app.get('/v1/talk', { websocket: true }, (socket: WebSocket, request) => {
    const send = (event: ServerEvent): void => {
      if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(event));
    };
    // Counted before anything is built: a refused session costs one event and a close.
    const admission = sessionLimits.admit(request.auth?.keyId ?? 'none');
    if (!admission.ok) {
      send({ type: 'error', code: 'too-many-sessions', message: admission.message, retryable: true });
      socket.on('error', () => socket.terminate());
      socket.close(tooManySessionsCloseCode, 'too many sessions');
      return;
    }
    const session = createVoiceSession({
      runtime,
      send,
      sendAudio(turn, pcm) {
        if (socket.readyState === socket.OPEN) socket.send(encodeAudioFrame(turn, pcm));
      },
      leadMs: limits.audioLeadMs,
      onTurn(report) {
        const { timings } = report;
        metrics.recordTurn({
          outcome: report.outcome,
          stageMilliseconds: {
            stt: timings.sttMs,
            retrieval: timings.retrievalMs,
            first_token: timings.firstTokenMs,
            first_sentence: timings.firstSentenceMs,
            first_audio: timings.firstAudioMs,
          },
        });
      },
      onTtsFallback: () => metrics.ttsFallback(),
      acquireVad: (signal) => vads.acquire(signal),
    });
    metrics.sessionOpened();
    const limiter = createRateLimiter(limits.maxMessagesPerSecond);
    let lastRateWarning = 0;
    const sessionTimer = setTimeout(() => {
      send({ type: 'error', code: 'session-too-long', message: `sessions last at most ${limits.maxSessionSeconds} s (PERSONA_MAX_SESSION_SECONDS); reconnect to go on`, retryable: true });
      socket.close(1008, 'session too long');
    }, limits.maxSessionSeconds * 1000);
    sessionTimer.unref();

    // Attached synchronously: messages that arrive before this handler returns would be lost otherwise.
    socket.on('message', (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => {
      const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
      if (!limiter.take()) {
        const now = Date.now();
        if (now - lastRateWarning > 1000) {
          lastRateWarning = now;
          send({ type: 'error', code: 'rate-limited', message: `more than ${limits.maxMessagesPerSecond} messages a second (PERSONA_MAX_MESSAGES_PER_SECOND); messages are being dropped`, retryable: true });
        }
        return;
      }
      if (bytes.byteLength > limits.maxFrameBytes) {
        send({ type: 'error', code: 'frame-too-large', message: `a ${bytes.byteLength}-byte frame is over the ${limits.maxFrameBytes}-byte limit (PERSONA_MAX_FRAME_BYTES); send audio in 20–100 ms frames`, retryable: false });
        return;
      }
      if (isBinary) {
        session.hearAudio(bytes);
        return;
      }
      const parsed = parseClientMessage(bytes.toString('utf8'));
      if (!parsed.ok) {
        send({ type: 'error', code: 'bad-frame', message: `ignored a frame: ${parsed.reason}`, retryable: false });
        return;
      }
      const message = parsed.message;
      switch (message.type) {
        case 'session-start':
          if (!personaAllowed(request.auth, message.persona)) {
            send({ type: 'error', code: 'forbidden', message: `this token is for another persona than "${message.persona}"`, retryable: false });
            return;
          }
          void session.start(message);
          return;
        case 'text':
          session.ask(message.text);
          return;
        case 'interrupt':
          session.interrupt();
          return;
        case 'session-end':
          socket.close(1000, 'session ended');
          return;
      }
    });
    const end = (): Promise<void> => {
      if (!open.delete(socket)) return Promise.resolve();
      admission.release();
      clearTimeout(sessionTimer);
      metrics.sessionClosed();
      const closed = session.close().finally(() => closing.delete(closed));
      closing.add(closed);
      return closed;
    };
    open.set(socket, end);
    socket.on('close', () => void end());
    socket.on('error', () => socket.terminate());
  });

  return {
    openSessions: (keyId) => sessionLimits.openSessions(keyId),
    vads,
    async closeSessions() {
      await Promise.allSettled([...open.values()].map((end) => end()));
      await Promise.allSettled([...closing]);
      await vads.close();
    },
  };
}
