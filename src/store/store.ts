/**
 * The encrypted local store: one SQLCipher database under PERSONA_HOME. A resource
 * with a lifecycle, so it is closed explicitly (or by `using`).
 */
import path from 'node:path';
import type { Config } from '../config.js';
import { openDatabase, type SqliteDatabase } from './open-database.js';
import { resolveStoreKey } from './store-key.js';

export interface Store {
  readonly database: SqliteDatabase;
  readonly file: string;
  readonly encrypted: boolean;
  close(): void;
  [Symbol.dispose](): void;
}

export function storeFile(config: Pick<Config, 'home'>): string {
  return path.join(config.home, 'persona.db');
}

export function openStore(config: Pick<Config, 'home' | 'store'>): Store {
  const file = storeFile(config);
  const key = resolveStoreKey(config.store, file);
  const database = openDatabase(file, key);
  const close = (): void => {
    if (database.open) database.close();
  };
  return { database, file, encrypted: key !== undefined, close, [Symbol.dispose]: close };
}

/** Runs `work` inside one write transaction that async code can span (better-sqlite3's own helper is sync only). */
export async function inTransaction<T>(database: SqliteDatabase, work: () => Promise<T>): Promise<T> {
  database.exec('BEGIN IMMEDIATE');
  try {
    const result = await work();
    database.exec('COMMIT');
    return result;
  } catch (error) {
    if (database.inTransaction) database.exec('ROLLBACK');
    throw error;
  }
}
