/**
 * A whole batch: a small pool of `concurrency` items at a time over the questions, each result
 * appended to `index.jsonl` as it ends. Resumable: items the index records as done, whose
 * files are still there, are skipped; failed ones run again. Per-item failures are recorded
 * and the run goes on. `stopSignal` stops taking new items and lets running ones finish;
 * `signal` also interrupts the running ones, which leave no file behind.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { PersonaError } from '../errors.js';
import type { PersonaRuntime } from '../voice/persona-runtime.js';
import type { BatchItemResult, BatchOptions, BatchQuestion } from './batch-item.js';
import { compactBatchIndex, openBatchIndex, prepareOutFolder, readBatchIndex } from './batch-index.js';
import { outputName, processBatchItem, type BatchItemResources } from './process-item.js';
import { createVideoRenderer } from './video-renderer.js';

export interface BatchProgress {
  /** Done, counting items skipped as already done. */
  done: number;
  failed: number;
  skipped: number;
  total: number;
  running: number;
  elapsedMs: number;
  /** From this run's pace; absent until an item has finished. */
  etaMs?: number;
  /** The item that just ended, if one did. */
  last?: BatchItemResult;
}

export interface BatchSummary {
  total: number;
  /** Done now, counting skipped ones. */
  done: number;
  failed: number;
  /** Already done by an earlier run. */
  skipped: number;
  /** Not run because the batch was stopped. */
  notRun: number;
  stopped: boolean;
  /** Answers made by this run per minute of its wall time. */
  answersPerMinute: number;
  /** Seconds of audio across every done item. */
  audioSeconds: number;
  elapsedMs: number;
  /** One per question that has a result, in question order. */
  results: BatchItemResult[];
}

export interface RunBatchOptions {
  runtime: PersonaRuntime;
  questions: readonly BatchQuestion[];
  options: BatchOptions;
  outFolder: string;
  /** Items in flight at once (default 1). */
  concurrency?: number;
  /** Stop taking items; running ones finish. */
  stopSignal?: AbortSignal;
  /** Stop taking items and interrupt running ones. */
  signal?: AbortSignal;
  onProgress?: (progress: BatchProgress) => void;
}

export const maximumConcurrency = 32;

export async function runBatch(run: RunBatchOptions): Promise<BatchSummary> {
  const concurrency = run.concurrency ?? 1;
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > maximumConcurrency) {
    throw new PersonaError('input-unsupported', `concurrency must be a whole number from 1 to ${maximumConcurrency}, got ${concurrency}`);
  }
  const started = performance.now();
  await prepareOutFolder(run.outFolder);
  const earlier = await readBatchIndex(run.outFolder);
  const pending = run.questions.filter((question) => !isDone(earlier.get(question.id), question, run.options, run.outFolder));
  const skipped = run.questions.length - pending.length;
  let done = skipped;
  let failed = 0;
  let ran = 0;
  let running = 0;
  let audioSeconds = 0;
  for (const question of run.questions) {
    const result = earlier.get(question.id);
    if (result?.status === 'done' && !pending.includes(question)) audioSeconds += result.audioSeconds ?? 0;
  }

  const report = (last?: BatchItemResult): void => {
    const elapsedMs = performance.now() - started;
    const remaining = pending.length - ran;
    const etaMs = ran > 0 ? (elapsedMs / ran) * remaining : undefined;
    run.onProgress?.({ done, failed, skipped, total: run.questions.length, running, elapsedMs, ...(etaMs !== undefined ? { etaMs } : {}), ...(last ? { last } : {}) });
  };

  const stopped = (): boolean => Boolean(run.signal?.aborted || run.stopSignal?.aborted);
  const index = await openBatchIndex(run.outFolder);
  const resources: BatchItemResources = {};
  let next = 0;
  let taken = 0;
  try {
    if (run.options.video && pending.length > 0) resources.video = await createVideoRenderer(run.runtime.config);
    report();
    const worker = async (): Promise<void> => {
      while (!stopped() && next < pending.length) {
        const question = pending[next++]!;
        taken++;
        running++;
        try {
          const result = await processBatchItem(run.runtime, question, run.options, run.outFolder, run.signal, resources);
          await index.append(result);
          ran++;
          if (result.status === 'done') {
            done++;
            audioSeconds += result.audioSeconds ?? 0;
          } else failed++;
          running--;
          report(result);
        } catch (error) {
          running--;
          taken--;
          // An interrupted item is neither done nor failed: the next run does it.
          if (error instanceof PersonaError && error.code === 'aborted') return;
          throw error;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, Math.max(1, pending.length)) }, worker));
  } finally {
    await index.close();
    await resources.video?.close();
  }
  const results = await compactBatchIndex(
    run.outFolder,
    run.questions.map((question) => question.id),
  );
  const elapsedMs = performance.now() - started;
  const asked = new Set(run.questions.map((question) => question.id));
  return {
    total: run.questions.length,
    done,
    failed,
    skipped,
    notRun: pending.length - taken,
    stopped: stopped() && taken < pending.length,
    answersPerMinute: elapsedMs > 0 ? (ran - failed) / (elapsedMs / 60_000) : 0,
    audioSeconds: Math.round(audioSeconds * 1000) / 1000,
    elapsedMs,
    results: results.filter((result) => asked.has(result.id)),
  };
}

/** Done before, for the same question, with its files still there in the format (and with the video) asked for now. */
function isDone(result: BatchItemResult | undefined, question: BatchQuestion, options: BatchOptions, outFolder: string): boolean {
  if (result?.status !== 'done' || result.question !== question.question) return false;
  if (result.audioFile !== outputName(question, options.format) || !existsSync(path.join(outFolder, result.audioFile))) return false;
  if (options.video && (!result.videoFile || !existsSync(path.join(outFolder, result.videoFile)))) return false;
  return true;
}
