/**
 * The wav2lip workers a client may use, and which to try first: least busy (requests this
 * client has in flight, then the worker's own `busy` from its last health answer, which counts
 * other clients' work), ties round-robin; workers that failed are skipped for a back-off that
 * doubles per failure (capped), then tried again. The same policy as the XTTS client; a shared
 * pool module for both is a proposed follow-up.
 */
import { PersonaError, describeError } from '../../errors.js';

export interface Wav2lipWorker {
  url: string;
  inFlight: number;
  deadUntil: number;
  failures: number;
  remoteBusy: number | null;
  lastError: string | null;
}

export interface Wav2lipWorkerState {
  url: string;
  inFlight: number;
  alive: boolean;
  deadUntil: number;
  remoteBusy: number | null;
  lastError: string | null;
}

export interface Wav2lipWorkerPool {
  readonly workers: readonly Wav2lipWorker[];
  /** Live workers in the order to try them, then dead ones (soonest retry first). */
  candidates(): Wav2lipWorker[];
  markDead(worker: Wav2lipWorker, error: unknown): void;
  markAlive(worker: Wav2lipWorker): void;
  state(): Wav2lipWorkerState[];
}

export function createWav2lipWorkerPool(urls: readonly string[], backoffMs: number, maxBackoffMs: number): Wav2lipWorkerPool {
  if (urls.length === 0) throw new PersonaError('config-invalid', 'wav2lip: at least one worker URL is needed (PERSONA_WAV2LIP_URLS)');
  const workers: Wav2lipWorker[] = urls.map((raw) => {
    let url: URL;
    try {
      url = new URL(raw);
    } catch (cause) {
      throw new PersonaError('config-invalid', `wav2lip: worker URL "${raw}" is not a URL`, { cause });
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
