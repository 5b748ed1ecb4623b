/**
 * One USE lite pool per process, shared by every embedder that asks for it: each worker
 * holds 160–240 MB, and loading takes 0.4–0.8 s. The pool closes when its last user releases it.
 */
import { startUseLitePool, type UseLitePool } from './use-lite-pool.js';

export interface UseLitePoolLease {
  readonly pool: UseLitePool;
  /** Idempotent; the last release closes the pool. */
  release(): Promise<void>;
}

let shared: { pool: Promise<UseLitePool>; users: number } | undefined;

/** The shared pool, grown to at least `workers` workers. */
export async function leaseUseLitePool(workers: number): Promise<UseLitePoolLease> {
  let entry = shared;
  if (entry) {
    entry.users++;
  } else {
    const starting = { pool: startUseLitePool(workers), users: 1 };
    // A failed start is not cached: the next lease tries again.
    starting.pool.catch(() => {
      if (shared === starting) shared = undefined;
    });
    entry = shared = starting;
  }
  let pool: UseLitePool;
  try {
    pool = await entry.pool;
    await pool.grow(workers);
  } catch (error) {
    await releaseEntry(entry);
    throw error;
  }
  let released = false;
  return {
    pool,
    async release() {
      if (released) return;
      released = true;
      await releaseEntry(entry);
    },
  };
}

async function releaseEntry(entry: NonNullable<typeof shared>): Promise<void> {
  entry.users--;
  if (entry.users > 0) return;
  if (shared === entry) shared = undefined;
  // A pool that failed to start has closed itself already.
  const pool = await entry.pool.catch(() => undefined);
  await pool?.close();
}
