/**
 * The batch queue of a deployment with several GPU boxes (`REDIS_URL` set). `enqueue` adds one
 * BullMQ job per item not yet done, with the id `<batchId>.<itemId>`, so enqueueing a batch
 * again (a rerun, a server restart) never duplicates an item; `persona worker` processes take
 * them. Results come back on a second queue that this server consumes one at a time: it writes
 * the item's files atomically into the batch's out folder, appends the result to `index.jsonl`
 * unless the index already has the item done (a worker killed after sending its result makes
 * the item run again; the first result stays), and reports progress. Results wait in Redis
 * while the server is down, so a batch survives a restart of either side.
 *
 * Limits: the outputs travel through Redis (base64 in the result job, 64 MiB per item by
 * default), fine for audio and short videos, not for long videos; and an item whose worker
 * is killed on it three times ends failed in BullMQ without a result, until the batch is
 * enqueued again (which retries it).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Queue, Worker, type Job } from 'bullmq';
import { InputError, StoreError } from '../../errors.js';
import { writeFileAtomically } from '../../tts/voices/write-file-atomically.js';
import type { BatchItemResult, BatchOptions, BatchQuestion } from '../batch-item.js';
import { compactBatchIndex, openBatchIndex, prepareOutFolder, readBatchIndex } from '../batch-index.js';
import { batchItemJobId, batchQueueName, batchResultsQueueName, type BatchItemJobData, type BatchQueueNames, type BatchResultJobData } from './batch-item-job.js';
import { bullmqConnection, checkRedisReachable } from './redis-url.js';

/** A batch as the server stored it (the jobs table's payload) and where its outputs go. */
export interface StoredBatch {
  questions: readonly BatchQuestion[];
  options: BatchOptions;
  outFolder: string;
}

export interface BullmqBatchProgress {
  total: number;
  done: number;
  failed: number;
  /** Every item has a result (done or failed); the index has been compacted to one line per question. */
  finished: boolean;
  /** The item that just ended, if one did. */
  last?: BatchItemResult;
}

export interface BullmqBatchQueueOptions extends BatchQueueNames {
  redisUrl: string;
  /** The batch's questions, options and out folder; undefined for a batch that no longer exists (its results are dropped). */
  loadBatch(batchId: string): StoredBatch | undefined | Promise<StoredBatch | undefined>;
  /** After `enqueue` and after each result is recorded: where the store's job row gets its progress and status. */
  onProgress?(batchId: string, progress: BullmqBatchProgress): void | Promise<void>;
  /** Tries per item for retryable errors, with exponential back-off from `backoffMs` (defaults 3 and 2000). */
  attempts?: number;
  backoffMs?: number;
  /** Finished item jobs kept in Redis (default 10 000, at most a day); keeping them is what makes a re-enqueue a no-op. */
  keepCompleted?: number;
  onError?: (error: Error) => void;
}

export interface BullmqBatchQueue {
  enqueue(batchId: string): Promise<void>;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

export async function createBullmqBatchQueue(settings: BullmqBatchQueueOptions): Promise<BullmqBatchQueue> {
  await checkRedisReachable(settings.redisUrl);
  const connection = bullmqConnection(settings.redisUrl);
  const prefix = settings.prefix ? { prefix: settings.prefix } : {};
  const items = new Queue<BatchItemJobData>(batchQueueName, { connection, ...prefix });
  const resultsQueue = new Queue<BatchResultJobData>(batchResultsQueueName, { connection, ...prefix });
  // The latest result per item of each batch seen, so a result costs one append, not a reread of the index.
  const indexes = new Map<string, Map<string, BatchItemResult>>();

  async function indexOf(batchId: string, outFolder: string): Promise<Map<string, BatchItemResult>> {
    let index = indexes.get(batchId);
    if (!index) {
      index = await readBatchIndex(outFolder);
      indexes.set(batchId, index);
    }
    return index;
  }

  async function report(batchId: string, batch: StoredBatch, index: Map<string, BatchItemResult>, last?: BatchItemResult): Promise<void> {
    let done = 0;
    let failed = 0;
    for (const question of batch.questions) {
      const status = index.get(question.id)?.status;
      if (status === 'done') done++;
      else if (status === 'failed') failed++;
    }
    const finished = done + failed === batch.questions.length;
    if (finished) {
      await compactBatchIndex(
        batch.outFolder,
        batch.questions.map((question) => question.id),
      );
    }
    await settings.onProgress?.(batchId, { total: batch.questions.length, done, failed, finished, ...(last ? { last } : {}) });
  }

  async function collect(job: Job<BatchResultJobData>): Promise<void> {
    const { batchId, result, files } = job.data;
    const batch = await settings.loadBatch(batchId);
    if (!batch) return;
    const index = await indexOf(batchId, batch.outFolder);
    if (index.get(result.id)?.status === 'done') return;
    for (const file of files) {
      // The name comes from another machine: it must stay a plain file inside the out folder.
      if (path.basename(file.name) !== file.name || file.name.startsWith('.')) {
        throw new InputError('input-unsupported', file.name, `a worker sent an output file name that is not a plain file name (batch ${batchId})`);
      }
      await writeFileAtomically(path.join(batch.outFolder, file.name), Buffer.from(file.base64, 'base64'));
    }
    const writer = await openBatchIndex(batch.outFolder);
    try {
      await writer.append(result);
    } finally {
      await writer.close();
    }
    index.set(result.id, result);
    await report(batchId, batch, index, result);
  }

  // One result at a time: appends to an index never interleave and the done-check above holds.
  const collector = new Worker<BatchResultJobData>(batchResultsQueueName, collect, { connection, ...prefix, concurrency: 1 });
  collector.on('error', (error) => settings.onError?.(error));

  async function enqueue(batchId: string): Promise<void> {
    const batch = await settings.loadBatch(batchId);
    if (!batch) throw new StoreError('not-found', `batch ${batchId} is not in the store`);
    await prepareOutFolder(batch.outFolder);
    indexes.delete(batchId);
    const index = await indexOf(batchId, batch.outFolder);
    const jobs: { name: string; data: BatchItemJobData; opts: Record<string, unknown> }[] = [];
    for (const question of batch.questions) {
      if (isDone(index.get(question.id), question, batch)) continue;
      const jobId = batchItemJobId(batchId, question.id);
      const existing = await items.getJob(jobId);
      const state = existing ? await existing.getState() : 'unknown';
      if (existing && state === 'failed') {
        // A failed job keeps its id, so adding it again would be a no-op: retry it in place.
        await existing.retry('failed');
        continue;
      }
      if (existing && state === 'completed') {
        // It ran; if its result is still on the way, wait for it, otherwise (recorded as failed) run it again.
        const resultState = await (await resultsQueue.getJob(jobId))?.getState();
        if (resultState !== undefined && resultState !== 'completed' && resultState !== 'failed' && resultState !== 'unknown') continue;
        await existing.remove();
        await resultsQueue.remove(jobId);
      } else if (existing && state !== 'unknown') continue;
      jobs.push({
        name: 'item',
        data: { batchId, question, options: batch.options },
        opts: {
          jobId,
          attempts: settings.attempts ?? 3,
          backoff: { type: 'exponential', delay: settings.backoffMs ?? 2000 },
          removeOnComplete: { count: settings.keepCompleted ?? 10_000, age: 24 * 3600 },
          removeOnFail: { count: settings.keepCompleted ?? 10_000, age: 7 * 24 * 3600 },
        },
      });
    }
    if (jobs.length > 0) await items.addBulk(jobs);
    await report(batchId, batch, index);
  }

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      await collector.close();
      await Promise.allSettled([items.close(), resultsQueue.close()]);
    })());
  return { enqueue, close, [Symbol.asyncDispose]: close };
}

/** Done before, for the same question, with its audio still in the out folder. */
function isDone(result: BatchItemResult | undefined, question: BatchQuestion, batch: StoredBatch): boolean {
  if (result?.status !== 'done' || result.question !== question.question || !result.audioFile) return false;
  if (!existsSync(path.join(batch.outFolder, result.audioFile))) return false;
  return !batch.options.video || (result.videoFile !== undefined && existsSync(path.join(batch.outFolder, result.videoFile)));
}
