/**
 * Batch jobs in the store's `jobs` table (kind `batch`): the payload holds the questions and
 * options, `progress` the counts, and the outputs live under `$PERSONA_HOME/batches/<id>/`,
 * whose `index.jsonl` lets any process resume the job where it stopped.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { SqliteDatabase } from '../store/open-database.js';
import type { JobStatus } from '../store/job-repository.js';
import type { BatchOptions, BatchQuestion } from './batch-item.js';

export const batchJobKind = 'batch';

export interface BatchJobPayload {
  questions: BatchQuestion[];
  options: BatchOptions;
  /** Items in flight at once. */
  concurrency: number;
  /** The API key that submitted it (for audit; tokens scoped to a persona see only that persona's jobs). */
  keyId?: string;
}

export interface BatchJobProgress {
  done: number;
  failed: number;
  total: number;
}

export interface BatchJob {
  id: string;
  status: JobStatus;
  payload: BatchJobPayload;
  progress: BatchJobProgress;
  error?: string;
  createdAt: string;
  updatedAt: string;
  finishedAt?: string;
}

export function batchFolder(home: string, id: string): string {
  return path.join(home, 'batches', id);
}

export function createBatchJob(database: SqliteDatabase, payload: BatchJobPayload): BatchJob {
  const id = randomUUID();
  const now = new Date().toISOString();
  const progress: BatchJobProgress = { done: 0, failed: 0, total: payload.questions.length };
  database
    .prepare(`INSERT INTO jobs (id, kind, status, payload, progress, created_at, updated_at) VALUES (?, ?, 'queued', ?, ?, ?, ?)`)
    .run(id, batchJobKind, JSON.stringify(payload), JSON.stringify(progress), now, now);
  return { id, status: 'queued', payload, progress, createdAt: now, updatedAt: now };
}

export function findBatchJob(database: SqliteDatabase, id: string): BatchJob | undefined {
  const row = database.prepare('SELECT * FROM jobs WHERE id = ? AND kind = ?').get(id, batchJobKind) as
    | { id: string; status: JobStatus; payload: string; progress: string; result: string | null; error: string | null; created_at: string; updated_at: string }
    | undefined;
  if (!row) return undefined;
  const result = row.result ? (JSON.parse(row.result) as { finishedAt?: string }) : undefined;
  return {
    id: row.id,
    status: row.status,
    payload: JSON.parse(row.payload) as BatchJobPayload,
    progress: JSON.parse(row.progress) as BatchJobProgress,
    ...(row.error ? { error: row.error } : {}),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    ...(result?.finishedAt ? { finishedAt: result.finishedAt } : {}),
  };
}

/** Jobs a stopped server left queued or running, oldest first: the next one to start resumes them. */
export function unfinishedBatchJobs(database: SqliteDatabase): string[] {
  const rows = database.prepare(`SELECT id FROM jobs WHERE kind = ? AND status IN ('queued', 'running') ORDER BY created_at, rowid`).all(batchJobKind) as { id: string }[];
  return rows.map((row) => row.id);
}

export function updateBatchJobProgress(database: SqliteDatabase, id: string, progress: BatchJobProgress): void {
  database.prepare('UPDATE jobs SET progress = ?, updated_at = ? WHERE id = ?').run(JSON.stringify(progress), new Date().toISOString(), id);
}

/**
 * Moves a job to `status`, unless it is already cancelled (a cancel wins over a worker that
 * finishes at the same moment) or, when `from` is given, unless it is not in one of those.
 * Returns whether it moved.
 */
export function setBatchJobStatus(database: SqliteDatabase, id: string, status: JobStatus, options: { error?: string; from?: JobStatus[] } = {}): boolean {
  const now = new Date().toISOString();
  const terminal = status === 'done' || status === 'failed' || status === 'cancelled';
  const allowed = options.from ?? (['queued', 'running', 'done', 'failed'] as JobStatus[]);
  const result = database
    .prepare(`UPDATE jobs SET status = ?, error = ?, result = ?, updated_at = ? WHERE id = ? AND kind = ? AND status IN (${allowed.map(() => '?').join(', ')})`)
    .run(status, options.error ?? null, terminal ? JSON.stringify({ finishedAt: now }) : null, now, id, batchJobKind, ...allowed);
  return result.changes > 0;
}
