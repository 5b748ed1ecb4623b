/**
 * What travels through Redis. Two queues: `persona-batch` holds one job per batch item (the
 * question and the options, so a worker on another machine needs nothing from the server's
 * store), and `persona-batch-results` carries each finished item back to the server with its
 * output files, so the outputs reach the server however far away the worker runs. Both use the
 * job id `<batchId>.<itemId>` (BullMQ forbids ":" in custom ids): adding an item, or its
 * result, twice is a no-op while the first is still in Redis.
 */
import type { BatchItemResult, BatchOptions, BatchQuestion } from '../batch-item.js';

export const batchQueueName = 'persona-batch';
export const batchResultsQueueName = 'persona-batch-results';

export interface BatchItemJobData {
  batchId: string;
  question: BatchQuestion;
  options: BatchOptions;
}

export interface BatchOutputFile {
  /** Relative to the batch's out folder, as in the result (`0001-intro.mp3`). */
  name: string;
  base64: string;
}

export interface BatchResultJobData {
  batchId: string;
  result: BatchItemResult;
  files: BatchOutputFile[];
}

/** The worker's return value: small, since the result itself travels on the results queue. */
export interface BatchItemJobReturn {
  status: BatchItemResult['status'];
}

export function batchItemJobId(batchId: string, itemId: string): string {
  return `${batchId}.${itemId}`;
}

/** Shared by the queue and the workers; both sides must agree on them. */
export interface BatchQueueNames {
  /** BullMQ key prefix (default "bull"): separates deployments sharing one Redis. */
  prefix?: string;
}

/** Outputs travel inside Redis: past this an item is failed with a message instead of filling Redis' memory. */
export const defaultMaximumOutputBytes = 64 * 1024 * 1024;
