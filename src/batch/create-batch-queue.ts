/**
 * The queue a server runs batch jobs through: the in-process one, or BullMQ on Redis when
 * `REDIS_URL` is set (then `persona worker` processes, on this or other machines, take the
 * items, and this server writes their outputs and the job's progress into the store).
 */
import type { PersonaRuntime } from '../voice/persona-runtime.js';
import { batchFolder, findBatchJob, setBatchJobStatus, unfinishedBatchJobs, updateBatchJobProgress } from './batch-job-store.js';
import type { BatchQueue } from './batch-queue.js';
import { createBullmqBatchQueue } from './bullmq/bullmq-batch-queue.js';
import { createLocalBatchQueue } from './local-batch-queue.js';

export async function createBatchQueue(runtime: PersonaRuntime, options: { onError?: (error: unknown, jobId: string) => void } = {}): Promise<BatchQueue> {
  const redisUrl = runtime.config.batch.redisUrl;
  if (!redisUrl) return createLocalBatchQueue(runtime, options);

  const database = runtime.store.database;
  const queue = await createBullmqBatchQueue({
    redisUrl,
    loadBatch(batchId) {
      const job = findBatchJob(database, batchId);
      if (!job) return undefined;
      return { questions: job.payload.questions, options: job.payload.options, outFolder: batchFolder(runtime.config.home, batchId) };
    },
    onProgress(batchId, progress) {
      updateBatchJobProgress(database, batchId, { done: progress.done, failed: progress.failed, total: progress.total });
      if (progress.finished) setBatchJobStatus(database, batchId, 'done', { from: ['queued', 'running'] });
      else setBatchJobStatus(database, batchId, 'running', { from: ['queued'] });
    },
    onError: (error) => options.onError?.(error, 'the BullMQ result collector'),
  });
  // Results of items finished while this server was down wait in Redis; re-enqueueing is idempotent.
  for (const jobId of unfinishedBatchJobs(database)) await queue.enqueue(jobId);
  return {
    enqueue: (jobId) => queue.enqueue(jobId),
    // The job is already `cancelled` in the store, which no later progress overwrites; items
    // a worker has taken finish there and their results are dropped by the status check.
    cancel: async () => undefined,
    close: () => queue.close(),
  };
}
