/**
 * The wav2lip avatar: a client for one or more `workers/wav2lip` GPU workers (protocol in
 * workers/wav2lip/README.md).
 *
 * Wav2Lip needs the whole answer's audio (its mel windows look ahead), so `render` gathers
 * the audio, sends it as a 16 kHz PCM16 WAV, and yields the fragmented-MP4 segments the worker
 * streams back as it makes them. The portrait is uploaded once per worker (its id is the
 * SHA-256 of its bytes, so the worker caches face detection by content); a worker that lost
 * it (restarted) answers 404 and gets it again. Workers are chosen least-busy first; one that
 * cannot be reached is skipped and retried after a back-off. A stream cut mid-way, or silent
 * for `requestTimeoutMs`, throws a retryable PersonaError('service-unavailable'); an abort
 * ends the stream quietly.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { InputError, PersonaError, describeError } from '../../errors.js';
import { concatPcm, encodeWav } from '../../audio/wav-file.js';
import type { AudioChunk } from '../../tts/tts-engine.js';
import { fragmentedMp4MimeType, type AvatarEngine, type RenderOptions, type VideoSegment } from '../avatar-engine.js';
import { checkPortrait } from '../check-portrait.js';
import { pcmAtRate } from '../pcm-at-rate.js';
import { FrameStreamError, readRenderFrames } from './render-frames.js';
import { createWorkerPool, type PooledWorker as Wav2lipWorker, type WorkerState as Wav2lipWorkerState } from '../../gpu-workers/worker-pool.js';

/** The rate Wav2Lip's mel spectrogram is computed at. */
export const wav2lipSampleRate = 16000;

export interface Wav2lipEngineOptions {
  /** Worker base URLs, e.g. `http://gpu-box:8030`. */
  workers: string[];
  fetch?: typeof globalThis.fetch;
  /** Health probe period; 0 disables background probes (default 5000). */
  healthIntervalMs?: number;
  /** Limit for a worker to answer, and for each gap between frames (default 60000: the first segment waits for face crops and a batch of frames). */
  requestTimeoutMs?: number;
  /** First back-off after a worker fails (default 1000); doubles per failure up to `maxBackoffMs` (default 30000). */
  backoffMs?: number;
  maxBackoffMs?: number;
}

export interface Wav2lipAvatarEngine extends AvatarEngine {
  readonly id: 'wav2lip';
  /** Probes every worker's `/health` once now. */
  checkHealth(signal?: AbortSignal): Promise<Wav2lipWorkerState[]>;
  workers(): Wav2lipWorkerState[];
  [Symbol.asyncDispose](): Promise<void>;
}

/** The worker cannot be used this time: the next candidate is tried. */
class Unreachable extends Error {
  /** 503 (busy or loading): skipped this time without a back-off. */
  busy = false;
}

/** The worker no longer knows the portrait id (it restarted): upload again and retry once. */
class PortraitForgotten extends Error {}

export function createWav2lipAvatarEngine(options: Wav2lipEngineOptions): Wav2lipAvatarEngine {
  const fetchFn = options.fetch ?? globalThis.fetch;
  const requestTimeoutMs = options.requestTimeoutMs ?? 60_000;
  const healthIntervalMs = options.healthIntervalMs ?? 5000;
  const pool = createWorkerPool(options.workers, { service: 'wav2lip', setting: 'PERSONA_WAV2LIP_URLS', backoffMs: options.backoffMs ?? 1000, maxBackoffMs: options.maxBackoffMs ?? 30_000 });
  /** `worker url + portrait hash` of portraits each worker has. */
  const uploaded = new Set<string>();
  const closing = new AbortController();
  let closed = false;

  const probe = async (worker: Wav2lipWorker, signal?: AbortSignal): Promise<void> => {
    const signals = [closing.signal, AbortSignal.timeout(Math.min(requestTimeoutMs, 5000))];
    if (signal) signals.push(signal);
    try {
      const response = await fetchFn(`${worker.url}/health`, { signal: AbortSignal.any(signals) });
      const body = (await response.json()) as { status?: unknown; busy?: unknown };
      if (!response.ok || body.status !== 'ok') throw new Error(`health answered ${response.status} ${JSON.stringify(body)}`);
      worker.remoteBusy = typeof body.busy === 'number' ? body.busy : null;
      pool.markAlive(worker);
    } catch (error) {
      if (closing.signal.aborted || signal?.aborted) return;
      pool.markDead(worker, error);
    }
  };

  let timer: NodeJS.Timeout | undefined;
  if (healthIntervalMs > 0) {
    timer = setInterval(() => {
      const now = Date.now();
      for (const worker of pool.workers) if (worker.deadUntil <= now) void probe(worker);
    }, healthIntervalMs);
    timer.unref();
  }

  const errorOf = async (response: Response): Promise<string> => {
    let message = `${response.status} ${response.statusText}`;
    try {
      const body = (await response.json()) as { error?: unknown };
      if (typeof body.error === 'string') message = body.error;
    } catch {
      // Not JSON: keep the status line.
    }
    return message;
  };

  /** Fetch that turns a refused connection or a 503 into Unreachable. */
  const request = async (worker: Wav2lipWorker, path: string, init: RequestInit): Promise<Response> => {
    let response: Response;
    try {
      response = await fetchFn(`${worker.url}${path}`, init);
    } catch (error) {
      throw new Unreachable(describeError(error), { cause: error });
    }
    if (response.status === 503) {
      const busy = new Unreachable(`wav2lip worker ${worker.url}: ${await errorOf(response)}`);
      busy.busy = true;
      throw busy;
    }
    if (response.status >= 500) throw new Unreachable(`wav2lip worker ${worker.url}: ${await errorOf(response)}`);
    return response;
  };

  const upload = async (worker: Wav2lipWorker, portrait: string, image: Buffer, type: string, hash: string, signal: AbortSignal): Promise<void> => {
    const key = `${worker.url} ${hash}`;
    if (uploaded.has(key)) return;
    const response = await request(worker, '/portraits', { method: 'POST', headers: { 'content-type': type }, body: image, signal });
    if (!response.ok) {
      // 4xx: the image itself is at fault (no face found, too large): no other worker will do better.
      throw new InputError('input-unsupported', portrait, `the wav2lip worker refused the portrait: ${await errorOf(response)}`);
    }
    const body = (await response.json()) as { id?: unknown };
    if (body.id !== hash) throw new Unreachable(`wav2lip worker ${worker.url}: the portrait came back with id ${JSON.stringify(body.id)}, expected its SHA-256 ${hash}`);
    uploaded.add(key);
  };

  const open = async (worker: Wav2lipWorker, portrait: string, wav: Buffer, hash: string, signal: AbortSignal): Promise<Response> => {
    const response = await request(worker, `/render?portrait=${hash}`, {
      method: 'POST',
      headers: { 'content-type': 'audio/wav', accept: 'application/octet-stream' },
      body: wav,
      signal,
    });
    if (response.status === 404) {
      uploaded.delete(`${worker.url} ${hash}`);
      throw new PortraitForgotten(await errorOf(response));
    }
    if (!response.ok) throw new PersonaError('input-unsupported', `wav2lip worker ${worker.url}: the audio over ${portrait} was refused: ${await errorOf(response)}`);
    return response;
  };

  async function* render(audio: AsyncIterable<AudioChunk>, portrait: string, renderOptions: RenderOptions = {}): AsyncGenerator<VideoSegment> {
    const userSignal = renderOptions.signal;
    if (userSignal?.aborted || closed) return;
    const type = await checkPortrait(portrait);
    const image = await readFile(portrait);
    const hash = createHash('sha256').update(image).digest('hex');
    const pieces: Int16Array[] = [];
    for await (const chunk of audio) {
      if (userSignal?.aborted) return;
      pieces.push(pcmAtRate(chunk.pcm, chunk.sampleRate, wav2lipSampleRate));
    }
    const pcm = concatPcm(pieces);
    if (pcm.length === 0 || userSignal?.aborted) return;
    const wav = encodeWav(pcm, wav2lipSampleRate);

    // One controller per attempt, aborted by the caller, by close(), or by the idle timer.
    let attempt: AbortController | undefined;
    let timedOut = false;
    let idle: NodeJS.Timeout | undefined;
    const arm = (): void => {
      clearTimeout(idle);
      idle = setTimeout(() => {
        timedOut = true;
        attempt?.abort(new Error(`no data for ${requestTimeoutMs} ms`));
      }, requestTimeoutMs);
    };
    const onOuterAbort = (): void => attempt?.abort(userSignal?.reason);
    userSignal?.addEventListener('abort', onOuterAbort, { once: true });
    closing.signal.addEventListener('abort', onOuterAbort, { once: true });
    const stopped = (): boolean => Boolean(userSignal?.aborted) || closing.signal.aborted;

    let worker: Wav2lipWorker | undefined;
    let response: Response | undefined;
    try {
      const failures: string[] = [];
      for (const candidate of pool.candidates()) {
        candidate.inFlight += 1;
        try {
          for (let tries = 0; ; tries++) {
            attempt = new AbortController();
            timedOut = false;
            arm();
            try {
              await upload(candidate, portrait, image, type, hash, attempt.signal);
              response = await open(candidate, portrait, wav, hash, attempt.signal);
              break;
            } catch (error) {
              if (error instanceof PortraitForgotten && tries === 0) continue;
              throw error;
            }
          }
          worker = candidate;
          break;
        } catch (error) {
          candidate.inFlight -= 1;
          if (stopped()) return;
          const unreachable = error instanceof Unreachable || error instanceof PortraitForgotten || timedOut;
          if (!unreachable) throw error;
          const reason = timedOut ? `no answer within ${requestTimeoutMs} ms` : describeError(error);
          if (!(error instanceof Unreachable && error.busy)) pool.markDead(candidate, new Error(reason));
          failures.push(`${candidate.url}: ${reason}`);
        }
      }
      if (!worker || !response) {
        throw new PersonaError('service-unavailable', `wav2lip: no worker could take the video for ${portrait} (${failures.join('; ')})`, { retryable: true });
      }
      pool.markAlive(worker);
      const mimeType = response.headers.get('x-segment-mime-type') ?? fragmentedMp4MimeType;
      if (!response.body) throw new PersonaError('service-unavailable', `wav2lip worker ${worker.url}: the answer has no body`, { retryable: true });

      const activeWorker = worker;
      const cut = (why: string, cause?: unknown): PersonaError => {
        if (timedOut) pool.markDead(activeWorker, new Error(`stalled for ${requestTimeoutMs} ms`));
        return new PersonaError('service-unavailable', `wav2lip worker ${activeWorker.url}: the video stream for ${portrait} was cut (${why})`, { cause, retryable: true });
      };
      const body = response.body as unknown as AsyncIterable<Uint8Array>;
      async function* armed(): AsyncGenerator<Uint8Array> {
        for await (const bytes of body) {
          arm();
          yield bytes;
        }
      }
      let index = 0;
      let held: Uint8Array | undefined;
      let ended = false;
      try {
        for await (const frame of readRenderFrames(armed())) {
          if (stopped()) return;
          if (frame.type === 'segment') {
            // Held until the next frame tells whether it was the last.
            if (held) yield { index: index++, mimeType, data: held, final: false };
            held = frame.data;
          } else if (frame.type === 'error') {
            throw new PersonaError('service-unavailable', `wav2lip worker ${activeWorker.url}: rendering over ${portrait} failed: ${frame.message}`, { retryable: true });
          } else {
            ended = true;
            break;
          }
          if (stopped()) return;
        }
      } catch (error) {
        if (stopped()) return;
        if (error instanceof PersonaError) throw error;
        throw cut(timedOut ? `no data for ${requestTimeoutMs} ms` : error instanceof FrameStreamError ? error.message : describeError(error), error);
      }
      if (stopped()) return;
      if (!ended) throw cut('it ended without its end frame: the worker stopped');
      if (held) yield { index: index++, mimeType, data: held, final: true };
    } finally {
      clearTimeout(idle);
      userSignal?.removeEventListener('abort', onOuterAbort);
      closing.signal.removeEventListener('abort', onOuterAbort);
      if (worker) worker.inFlight -= 1;
      attempt?.abort();
      response?.body?.cancel().catch(() => undefined);
    }
  }

  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    clearInterval(timer);
    closing.abort(new Error('wav2lip engine closed'));
  };

  return {
    id: 'wav2lip',
    capabilities: { streamingInput: false, streamingOutput: true, lipSync: true },
    render: (audio, portrait, renderOptions) => render(audio, portrait, renderOptions),
    checkHealth: async (signal) => {
      await Promise.all(pool.workers.map((worker) => probe(worker, signal)));
      return pool.state();
    },
    workers: () => pool.state(),
    close,
    [Symbol.asyncDispose]: close,
  };
}
