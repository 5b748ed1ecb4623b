/**
 * Client for one or more XTTS v2 workers (`workers/xtts`, protocol in its README).
 *
 * `synthesize` streams PCM16 mono frames as the worker produces them. Requests go to the
 * least-busy live worker (in-flight requests counted here, then the worker's own `busy`; ties
 * broken round-robin: the shared policy of `src/gpu-workers/worker-pool.ts`). A worker that
 * refuses the connection, times out before answering or fails its health check is skipped
 * for a back-off (doubling, capped) and then tried again. A stream cut mid-way throws a
 * retryable `PersonaError('service-unavailable')`; an abort ends the iteration quietly.
 */
import { PersonaError, describeError } from '../../errors.js';
import { createWorkerPool, type PooledWorker, type WorkerState } from '../../gpu-workers/worker-pool.js';

export interface TtsFrame {
  pcm: Int16Array;
  sampleRate: number;
}

export interface SynthesizeOptions {
  /** A voice folder name under `voices/` (the worker refuses voices without consent). */
  voice: string;
  signal?: AbortSignal;
  /** Language code passed to XTTS (default "en"). */
  language?: string;
}

export interface XttsCapabilities {
  readonly streaming: true;
  readonly cloning: true;
  readonly sampleRate: 24000;
}

export const XTTS_CAPABILITIES: XttsCapabilities = Object.freeze({ streaming: true, cloning: true, sampleRate: 24000 });
export const XTTS_SAMPLE_RATE = 24000;

export interface XttsEngineOptions {
  /** Worker base URLs, e.g. `http://gpu-box:8020`. */
  workers: string[];
  fetch?: typeof globalThis.fetch;
  /** Health probe period; 0 disables background probes (default 5000). */
  healthIntervalMs?: number;
  /** Limit for the worker to answer, and for each gap between chunks (default 30000). */
  requestTimeoutMs?: number;
  /** First back-off after a worker fails (default 1000); doubles per failure up to `maxBackoffMs`. */
  backoffMs?: number;
  maxBackoffMs?: number;
}

export type XttsWorkerState = WorkerState;

export interface XttsEngine {
  readonly id: 'xtts';
  readonly capabilities: XttsCapabilities;
  synthesize(text: string, options: SynthesizeOptions): AsyncIterable<TtsFrame>;
  /** Probes every worker's `/health` once now. */
  checkHealth(signal?: AbortSignal): Promise<XttsWorkerState[]>;
  workers(): XttsWorkerState[];
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}


/** Thrown internally when a worker cannot be reached: the next candidate is tried. */
class Unreachable extends Error {
  /** The worker answered 503 (busy or still loading): skip it this time without a back-off. */
  busy = false;
}

export function createXttsEngine(options: XttsEngineOptions): XttsEngine {
  const fetchFn = options.fetch ?? globalThis.fetch;
  const requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
  const backoffMs = options.backoffMs ?? 1000;
  const maxBackoffMs = options.maxBackoffMs ?? 30_000;
  const healthIntervalMs = options.healthIntervalMs ?? 5000;
  const pool = createWorkerPool(options.workers, { service: 'xtts', setting: 'PERSONA_XTTS_URLS', backoffMs, maxBackoffMs });
  const { workers, candidates, markDead, markAlive } = pool;
  let closed = false;
  const closing = new AbortController();

  const probe = async (w: PooledWorker, signal?: AbortSignal): Promise<void> => {
    const signals = [closing.signal, AbortSignal.timeout(Math.min(requestTimeoutMs, 5000))];
    if (signal) signals.push(signal);
    try {
      const res = await fetchFn(`${w.url}/health`, { signal: AbortSignal.any(signals) });
      const body = (await res.json()) as { status?: unknown; busy?: unknown };
      if (!res.ok || body.status !== 'ok') throw new Error(`health answered ${res.status} ${JSON.stringify(body)}`);
      w.remoteBusy = typeof body.busy === 'number' ? body.busy : null;
      markAlive(w);
    } catch (error) {
      if (closing.signal.aborted || signal?.aborted) return;
      markDead(w, error);
    }
  };

  const state = (): XttsWorkerState[] => pool.state();

  let timer: NodeJS.Timeout | undefined;
  if (healthIntervalMs > 0) {
    timer = setInterval(() => {
      const now = Date.now();
      // Probe live workers, and dead ones whose back-off has passed.
      for (const w of workers) if (w.deadUntil <= now) void probe(w);
    }, healthIntervalMs);
    timer.unref();
  }

  /** Opens the stream on one worker: resolves with the response, or throws Unreachable / a final error. */
  const open = async (w: PooledWorker, text: string, opts: SynthesizeOptions, signal: AbortSignal): Promise<Response> => {
    let res: Response;
    try {
      res = await fetchFn(`${w.url}/tts/stream`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/octet-stream' },
        body: JSON.stringify({ text, voice: opts.voice, language: opts.language ?? 'en', sample_rate: XTTS_SAMPLE_RATE }),
        signal,
      });
    } catch (error) {
      throw new Unreachable(describeError(error), { cause: error });
    }
    if (res.ok) return res;
    let message = `${res.status} ${res.statusText}`;
    try {
      const body = (await res.json()) as { error?: unknown };
      if (typeof body.error === 'string') message = body.error;
    } catch {
      // Not JSON: keep the status line.
    }
    const where = `xtts worker ${w.url}`;
    if (res.status === 503) {
      const busy = new Unreachable(`${where}: ${message}`);
      busy.busy = true;
      throw busy;
    }
    if (res.status === 404) throw new PersonaError('not-found', `${where}: voice "${opts.voice}": ${message}`);
    if (res.status >= 400 && res.status < 500) {
      throw new PersonaError('input-unsupported', `${where}: voice "${opts.voice}": ${message}`);
    }
    throw new PersonaError('service-unavailable', `${where}: ${message}`, { retryable: true });
  };

  async function* synthesize(text: string, opts: SynthesizeOptions): AsyncGenerator<TtsFrame> {
    const userSignal = opts.signal;
    if (userSignal?.aborted || closed || text.trim() === '') return;
    if (!opts.voice) throw new PersonaError('input-unsupported', 'xtts: a voice name is needed');

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

    let worker: PooledWorker | undefined;
    let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
    try {
      let res: Response | undefined;
      const failures: string[] = [];
      for (const w of candidates()) {
        attempt = new AbortController();
        timedOut = false;
        w.inFlight += 1;
        arm();
        try {
          res = await open(w, text, opts, attempt.signal);
          worker = w;
          break;
        } catch (error) {
          w.inFlight -= 1;
          if (userSignal?.aborted || closing.signal.aborted) return;
          if (!(error instanceof Unreachable)) throw error;
          if (timedOut) markDead(w, new Error(`no answer within ${requestTimeoutMs} ms`));
          else if (!error.busy) markDead(w, error);
          failures.push(`${w.url}: ${timedOut ? `no answer within ${requestTimeoutMs} ms` : error.message}`);
        }
      }
      if (!res || !worker) {
        throw new PersonaError('service-unavailable', `xtts: no worker could take the request (${failures.join('; ')})`, {
          retryable: true,
        });
      }
      markAlive(worker);
      const header = Number(res.headers.get('x-sample-rate'));
      const sampleRate = Number.isFinite(header) && header > 0 ? header : XTTS_SAMPLE_RATE;
      if (!res.body) return;
      reader = res.body.getReader();
      let carry: number | null = null; // a lone byte left over from the previous chunk
      for (;;) {
        arm();
        let chunk: Awaited<ReturnType<typeof reader.read>>;
        try {
          chunk = await reader.read();
        } catch (error) {
          if (userSignal?.aborted || closing.signal.aborted) return;
          if (timedOut) markDead(worker, new Error(`stalled for ${requestTimeoutMs} ms`));
          throw new PersonaError(
            'service-unavailable',
            `xtts worker ${worker.url}: the audio stream was cut ${timedOut ? `(no data for ${requestTimeoutMs} ms)` : `(${describeError(error)})`}`,
            { cause: error, retryable: true },
          );
        }
        if (chunk.done) return;
        const frame = toPcm(chunk.value, carry);
        carry = frame.carry;
        if (frame.pcm.length > 0) yield { pcm: frame.pcm, sampleRate };
        if (userSignal?.aborted) return;
      }
    } finally {
      clearTimeout(idle);
      userSignal?.removeEventListener('abort', onOuterAbort);
      closing.signal.removeEventListener('abort', onOuterAbort);
      if (worker) worker.inFlight -= 1;
      if (reader) {
        attempt?.abort();
        reader.cancel().catch(() => {});
      }
    }
  }

  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    clearInterval(timer);
    closing.abort(new Error('xtts engine closed'));
  };

  return {
    id: 'xtts',
    capabilities: XTTS_CAPABILITIES,
    synthesize: (text, opts) => synthesize(text, opts),
    checkHealth: async (signal) => {
      await Promise.all(workers.map((w) => probe(w, signal)));
      return state();
    },
    workers: state,
    close,
    [Symbol.asyncDispose]: close,
  };
}

/** Little-endian PCM16 from bytes, with the odd byte of a split sample carried to the next chunk. */
function toPcm(bytes: Uint8Array, carry: number | null): { pcm: Int16Array; carry: number | null } {
  const total = bytes.length + (carry === null ? 0 : 1);
  const samples = total >> 1;
  const pcm = new Int16Array(samples);
  let i = 0;
  let s = 0;
  if (carry !== null && samples > 0) {
    const b1 = bytes[0] ?? 0;
    pcm[s++] = ((b1 << 8) | carry) << 16 >> 16;
    i = 1;
  }
  for (; s < samples; s++, i += 2) {
    const lo = bytes[i] ?? 0;
    const hi = bytes[i + 1] ?? 0;
    pcm[s] = ((hi << 8) | lo) << 16 >> 16;
  }
  const rest = total % 2 === 1 ? (carry !== null && bytes.length === 0 ? carry : (bytes[bytes.length - 1] ?? 0)) : null;
  return { pcm, carry: rest };
}
