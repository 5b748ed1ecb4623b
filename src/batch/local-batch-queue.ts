/**
 * The in-process batch queue: one job at a time (each runs its items `concurrency` at once),
 * in the order submitted. On creation it takes up the jobs a stopped server left queued or
 * running; their index files let them resume without redoing finished items.
 */
import type { PersonaRuntime } from '../voice/persona-runtime.js';
import { unfinishedBatchJobs } from './batch-job-store.js';
import type { BatchQueue } from './batch-queue.js';
import { runBatchJob } from './run-batch-job.js';

export interface LocalBatchQueue extends BatchQueue {
  /** Resolves when no job is waiting or running (tests, `persona serve` shutting down politely). */
  idle(): Promise<void>;
}

export function createLocalBatchQueue(runtime: PersonaRuntime, options: { onError?: (error: unknown, jobId: string) => void } = {}): LocalBatchQueue {
  const waiting: string[] = [];
  let current: { id: string; controller: AbortController } | undefined;
  let closed = false;
  let loop: Promise<void> | undefined;
  let idleWaiters: (() => void)[] = [];

  const drain = async (): Promise<void> => {
    while (!closed && waiting.length > 0) {
      const id = waiting.shift()!;
      current = { id, controller: new AbortController() };
      try {
        await runBatchJob(runtime, id, current.controller.signal);
      } catch (error) {
        options.onError?.(error, id);
      } finally {
        current = undefined;
      }
    }
    loop = undefined;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const resolve of waiters) resolve();
  };
  const wake = (): void => {
    loop ??= drain();
  };

  waiting.push(...unfinishedBatchJobs(runtime.store.database));
  // Started on the next turn, so the caller finishes building the server first.
  if (waiting.length > 0) setImmediate(wake);

  return {
    async enqueue(jobId) {
      if (closed) return;
      if (!waiting.includes(jobId) && current?.id !== jobId) waiting.push(jobId);
      wake();
    },
    async cancel(jobId) {
      const position = waiting.indexOf(jobId);
      if (position >= 0) waiting.splice(position, 1);
      if (current?.id === jobId) current.controller.abort(new Error(`batch ${jobId} was cancelled`));
    },
    idle() {
      if (!loop && waiting.length === 0) return Promise.resolve();
      return new Promise((resolve) => idleWaiters.push(resolve));
    },
    async close() {
      closed = true;
      current?.controller.abort(new Error('the server is shutting down'));
      await loop;
    },
  };
}
