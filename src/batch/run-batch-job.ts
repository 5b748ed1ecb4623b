/**
 * Runs one stored batch job into `$PERSONA_HOME/batches/<id>/`: marks it running, keeps its
 * progress in the store as items end, and marks it done (items may have failed; each says
 * why) or failed (the run itself could not go on). Interrupted by `signal` (a shutdown or a
 * cancel) it leaves the status alone: a shutdown's job resumes on the next start, and a
 * cancel has already marked it. Any runner (the local queue, a BullMQ worker) calls this.
 */
import { describeError, PersonaError } from '../errors.js';
import type { PersonaRuntime } from '../voice/persona-runtime.js';
import { batchFolder, findBatchJob, setBatchJobStatus, updateBatchJobProgress } from './batch-job-store.js';
import { runBatch, type BatchSummary } from './run-batch.js';

export type BatchJobOutcome = 'done' | 'failed' | 'interrupted' | 'skipped';

export async function runBatchJob(runtime: PersonaRuntime, jobId: string, signal?: AbortSignal): Promise<BatchJobOutcome> {
  const { database } = runtime.store;
  const job = findBatchJob(database, jobId);
  // Gone, cancelled or finished meanwhile: nothing to do.
  if (!job || !setBatchJobStatus(database, jobId, 'running', { from: ['queued', 'running'] })) return 'skipped';
  let summary: BatchSummary;
  try {
    summary = await runBatch({
      runtime,
      questions: job.payload.questions,
      options: job.payload.options,
      outFolder: batchFolder(runtime.config.home, jobId),
      concurrency: job.payload.concurrency,
      signal,
      onProgress: (progress) => updateBatchJobProgress(database, jobId, { done: progress.done, failed: progress.failed, total: progress.total }),
    });
  } catch (error) {
    if (signal?.aborted || (error instanceof PersonaError && error.code === 'aborted')) return 'interrupted';
    setBatchJobStatus(database, jobId, 'failed', { error: describeError(error), from: ['running'] });
    return 'failed';
  }
  if (summary.notRun > 0 || signal?.aborted) return 'interrupted';
  updateBatchJobProgress(database, jobId, { done: summary.done, failed: summary.failed, total: summary.total });
  setBatchJobStatus(database, jobId, 'done', { from: ['running'] });
  return 'done';
}
