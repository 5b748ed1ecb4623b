/**
 * The GPU workers (XTTS, Wav2Lip) a client may use, and which to try first: least busy
 * (requests this client has in flight, then the worker's own `busy` from its last health
 * answer, which counts other clients' work), ties round-robin; workers that failed are
 * skipped for a back-off that doubles per failure (capped), then tried again.
 */
import { PersonaError, describeError } from '../errors.js';

export interface PooledWorker {
  url: string;
  inFlight: number;
  deadUntil: number;
  failures: number;
  remoteBusy: number | null;
  lastError: string | null;
}

export interface WorkerState {
  url: string;
  inFlight: number;
  alive: boolean;
  /** Epoch ms until which the worker is skipped (0 when alive). */
  deadUntil: number;
  /** The worker's own `busy` count from its last health answer. */
  remoteBusy: number | null;
  lastError: string | null;
}

export interface WorkerPool {
  readonly workers: readonly PooledWorker[];
  /** Live workers in the order to try them, then dead ones (soonest retry first). */
  candidates(): PooledWorker[];
  markDead(worker: PooledWorker, error: unknown): void;
  markAlive(worker: PooledWorker): void;
  state(): WorkerState[];
}

export interface WorkerPoolOptions {
  /** The service, for messages: "xtts", "wav2lip". */
  service: string;
  /** Where the URLs come from, for messages: "PERSONA_WAV2LIP_URLS". */
  setting?: string;
  backoffMs: number;
  maxBackoffMs: number;
}

export function createWorkerPool(urls: readonly string[], options: WorkerPoolOptions): WorkerPool {
  const { service, backoffMs, maxBackoffMs } = options;
  if (urls.length === 0) throw new PersonaError('config-invalid', `${service}: at least one worker URL is needed${options.setting ? ` (${options.setting})` : ''}`);
  const workers: PooledWorker[] = urls.map((raw) => {
    let url: URL;
    try {
      url = new URL(raw);
    } catch (cause) {
      throw new PersonaError('config-invalid', `${service}: worker URL "${raw}" is not a URL`, { cause });
    }
    return { url: url.href.replace(/\/+$/, ''), inFlight: 0, deadUntil: 0, failures: 0, remoteBusy: null, lastError: null };
  });
  let cursor = 0;
  return {
    workers,
    candidates() {
      const now = Date.now();
      const count = workers.length;
      const start = cursor % count;
      cursor = (cursor + 1) % count;
      const order = workers.map((worker, i) => ({ worker, turn: (i - start + count) % count }));
      const live = order
        .filter((o) => o.worker.deadUntil <= now)
        .sort((a, b) => a.worker.inFlight - b.worker.inFlight || (a.worker.remoteBusy ?? 0) - (b.worker.remoteBusy ?? 0) || a.turn - b.turn);
      const dead = order.filter((o) => o.worker.deadUntil > now).sort((a, b) => a.worker.deadUntil - b.worker.deadUntil);
      return [...live, ...dead].map((o) => o.worker);
    },
    markDead(worker, error) {
      worker.failures += 1;
      worker.deadUntil = Date.now() + Math.min(maxBackoffMs, backoffMs * 2 ** (worker.failures - 1));
      worker.lastError = describeError(error);
    },
    markAlive(worker) {
      worker.failures = 0;
      worker.deadUntil = 0;
      worker.lastError = null;
    },
    state() {
      const now = Date.now();
      return workers.map((w) => ({ url: w.url, inFlight: w.inFlight, alive: w.deadUntil <= now, deadUntil: w.deadUntil, remoteBusy: w.remoteBusy, lastError: w.lastError }));
    },
  };
}
