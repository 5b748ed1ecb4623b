/**
 * Long jobs recorded in the store (embedding runs now; batches later): who runs them,
 * how far they got, how they ended. A job whose process died is not running any more.
 */
import type { SqliteDatabase } from './open-database.js';
import { isProcessAlive } from '../process-alive.js';

export type JobStatus = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';

export interface JobRow {
  id: string;
  kind: string;
  status: JobStatus;
  pid?: number;
  progress: Record<string, unknown>;
  result?: unknown;
  error?: string;
  updatedAt: string;
}

export function findJob(database: SqliteDatabase, id: string): JobRow | undefined {
  const row = database.prepare('SELECT * FROM jobs WHERE id = ?').get(id) as
    | { id: string; kind: string; status: JobStatus; payload: string; progress: string; result: string | null; error: string | null; updated_at: string }
    | undefined;
  if (!row) return undefined;
  const payload = JSON.parse(row.payload) as { pid?: number };
  return {
    id: row.id,
    kind: row.kind,
    status: row.status,
    pid: payload.pid,
    progress: JSON.parse(row.progress) as Record<string, unknown>,
    result: row.result ? (JSON.parse(row.result) as unknown) : undefined,
    error: row.error ?? undefined,
    updatedAt: row.updated_at,
  };
}

/** The job if a live process is running it now. */
export function runningJob(database: SqliteDatabase, id: string): JobRow | undefined {
  const job = findJob(database, id);
  return job?.status === 'running' && job.pid !== undefined && job.pid !== process.pid && isProcessAlive(job.pid) ? job : undefined;
}

export function startJob(database: SqliteDatabase, id: string, kind: string): void {
  const now = new Date().toISOString();
  database
    .prepare(
      `INSERT INTO jobs (id, kind, status, payload, progress, created_at, updated_at) VALUES (?, ?, 'running', ?, '{}', ?, ?)
       ON CONFLICT (id) DO UPDATE SET status = 'running', payload = excluded.payload, progress = '{}', result = NULL, error = NULL, updated_at = excluded.updated_at`,
    )
    .run(id, kind, JSON.stringify({ pid: process.pid }), now, now);
}

export function updateJobProgress(database: SqliteDatabase, id: string, progress: Record<string, unknown>): void {
  database.prepare('UPDATE jobs SET progress = ?, updated_at = ? WHERE id = ?').run(JSON.stringify(progress), new Date().toISOString(), id);
}

export function finishJob(database: SqliteDatabase, id: string, outcome: { status: 'done'; result: unknown } | { status: 'failed' | 'cancelled'; error: string }): void {
  database
    .prepare('UPDATE jobs SET status = ?, result = ?, error = ?, updated_at = ? WHERE id = ?')
    .run(outcome.status, 'result' in outcome ? JSON.stringify(outcome.result) : null, 'error' in outcome ? outcome.error : null, new Date().toISOString(), id);
}
