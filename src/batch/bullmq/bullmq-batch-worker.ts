/**
 * A `persona worker`: takes batch items from Redis, runs `processBatchItem` on its own runtime
 * into a scratch folder, and sends the result with its output files to the results queue,
 * where the server writes them into the batch's folder and index. The result is sent before
 * the item job completes: a worker killed in between makes BullMQ hand the item to another
 * worker (its lock expires), and the server keeps the first result, so the index still has the
 * item once. A failed result whose error is retryable is retried with back-off while attempts
 * remain; the last attempt's result is recorded.
 */
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DelayedError, Queue, Worker, type Job } from 'bullmq';
import { describeError, PersonaError } from '../../errors.js';
import type { PersonaRuntime } from '../../voice/persona-runtime.js';
import type { BatchItemResult, BatchOptions, BatchQuestion } from '../batch-item.js';
import { processBatchItem } from '../process-item.js';
import {
  batchQueueName,
  batchResultsQueueName,
  defaultMaximumOutputBytes,
  type BatchItemJobData,
  type BatchItemJobReturn,
  type BatchOutputFile,
  type BatchQueueNames,
  type BatchResultJobData,
} from './batch-item-job.js';
import { bullmqConnection, checkRedisReachable } from './redis-url.js';

export type ProcessItem = (runtime: PersonaRuntime, question: BatchQuestion, options: BatchOptions, outFolder: string, signal?: AbortSignal) => Promise<BatchItemResult>;

export interface BullmqBatchWorkerOptions extends BatchQueueNames {
  redisUrl: string;
  runtime: PersonaRuntime;
  /** Items in flight at once in this process (default 1). */
  concurrency?: number;
  /** Default `processBatchItem`; tests wrap it to count calls. */
  processItem?: ProcessItem;
  /** Where an item's files are made before they are sent (default the OS temp folder). */
  scratchFolder?: string;
  /** How long an item stays this worker's without a lock renewal before another may take it (default 30 s). */
  lockDurationMs?: number;
  /** How often this worker looks for items whose worker died (default 30 s). */
  stalledIntervalMs?: number;
  maximumOutputBytes?: number;
  /** Each item as it ends (for a worker's log). */
  onItem?: (result: BatchItemResult, batchId: string) => void;
  onError?: (error: Error) => void;
}

export interface BullmqBatchWorker {
  /**
   * Stops taking items. Without `force` the running items finish and their results are sent;
   * with it they are interrupted and handed back to the queue for another worker.
   */
  close(options?: { force?: boolean }): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

export async function createBullmqBatchWorker(settings: BullmqBatchWorkerOptions): Promise<BullmqBatchWorker> {
  await checkRedisReachable(settings.redisUrl);
  const connection = bullmqConnection(settings.redisUrl);
  const processItem = settings.processItem ?? processBatchItem;
  const scratchFolder = settings.scratchFolder ?? os.tmpdir();
  const maximumOutputBytes = settings.maximumOutputBytes ?? defaultMaximumOutputBytes;
  const interrupt = new AbortController();
  const results = new Queue<BatchResultJobData>(batchResultsQueueName, { connection, ...(settings.prefix ? { prefix: settings.prefix } : {}) });

  const processor = async (job: Job<BatchItemJobData, BatchItemJobReturn>, token?: string, jobSignal?: AbortSignal): Promise<BatchItemJobReturn> => {
    const { batchId, question, options } = job.data;
    const signal = jobSignal ? AbortSignal.any([interrupt.signal, jobSignal]) : interrupt.signal;
    const scratch = await mkdtemp(path.join(scratchFolder, 'persona-batch-item-'));
    try {
      let result: BatchItemResult;
      let files: BatchOutputFile[] = [];
      try {
        result = await processItem(settings.runtime, question, options, scratch, signal);
        if (result.status === 'failed' && isRetryable(result) && job.attemptsMade + 1 < (job.opts.attempts ?? 1)) {
          throw new PersonaError('service-unavailable', result.error ?? `question ${question.index + 1} failed`, { retryable: true });
        }
        if (result.status === 'done') files = await readOutputs(scratch, result, maximumOutputBytes);
      } catch (error) {
        if (signal.aborted) {
          // An interrupted item is neither done nor failed: back to the queue, no attempt used.
          await job.moveToDelayed(Date.now(), token);
          throw new DelayedError();
        }
        const retryable = error instanceof PersonaError && error.retryable;
        if (retryable && job.attemptsMade + 1 < (job.opts.attempts ?? 1)) throw error;
        result = { id: question.id, index: question.index, question: question.question, status: 'failed', error: describeError(error), finishedAt: new Date().toISOString() };
      }
      await results.add('result', { batchId, result, files }, { jobId: job.id, removeOnComplete: { count: 1000 }, removeOnFail: { count: 1000 }, attempts: 5, backoff: { type: 'exponential', delay: 1000 } });
      settings.onItem?.(result, batchId);
      return { status: result.status };
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  };

  const worker = new Worker<BatchItemJobData, BatchItemJobReturn>(batchQueueName, processor, {
    connection,
    ...(settings.prefix ? { prefix: settings.prefix } : {}),
    concurrency: settings.concurrency ?? 1,
    lockDuration: settings.lockDurationMs ?? 30_000,
    stalledInterval: settings.stalledIntervalMs ?? 30_000,
    // A worker killed twice on the same item is bad luck; three times, the item is the problem.
    maxStalledCount: 2,
  });
  worker.on('error', (error) => settings.onError?.(error));

  let closing: Promise<void> | undefined;
  const close = (options: { force?: boolean } = {}): Promise<void> => {
    if (options.force) interrupt.abort(new PersonaError('aborted', 'the worker is shutting down'));
    closing ??= (async () => {
      try {
        await worker.close();
      } finally {
        await results.close();
      }
    })();
    return closing;
  };
  return { close, [Symbol.asyncDispose]: () => close() };
}

/** A failed result may say it is worth retrying (a GPU worker briefly down); one that does not is final. */
function isRetryable(result: BatchItemResult): boolean {
  return 'retryable' in result && result.retryable === true;
}

async function readOutputs(scratch: string, result: BatchItemResult, maximumOutputBytes: number): Promise<BatchOutputFile[]> {
  const names = [result.audioFile, result.videoFile].filter((name): name is string => typeof name === 'string');
  let total = 0;
  for (const name of names) total += (await stat(path.join(scratch, name))).size;
  if (total > maximumOutputBytes) {
    throw new PersonaError('input-too-large', `question ${result.index + 1} ("${result.id}"): its files (${total} bytes) exceed the ${maximumOutputBytes} bytes a result may carry through Redis`);
  }
  return Promise.all(names.map(async (name) => ({ name, base64: (await readFile(path.join(scratch, name))).toString('base64') })));
}
