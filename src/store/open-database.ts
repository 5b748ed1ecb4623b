/**
 * Opens the encrypted SQLite database: keys it, proves the key is right before anything
 * is written, then runs pending migrations. A wrong key never touches the file.
 */
import Database from 'better-sqlite3-multiple-ciphers';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import { StoreError } from '../errors.js';
import { migrations } from './migrations.js';
import { keyPragmas, type StoreKey } from './store-key.js';

export type SqliteDatabase = Database.Database;

export function openDatabase(file: string, key: StoreKey | undefined): SqliteDatabase {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  makePrivate(file);
  const database = new Database(file);
  try {
    if (key) for (const pragma of keyPragmas(key)) database.pragma(pragma);
    verifyReadable(database, file, key);
    database.pragma('journal_mode = WAL');
    database.pragma('synchronous = NORMAL');
    database.pragma('foreign_keys = ON');
    database.pragma('busy_timeout = 5000');
    migrate(database);
    // SQLite gives the -wal and -shm files the database's own mode; tightened too for stores made before this.
    for (const companion of [`${file}-wal`, `${file}-shm`]) if (existsSync(companion)) chmodSync(companion, 0o600);
    return database;
  } catch (error) {
    database.close();
    throw error;
  }
}

/** The database file, 0600 whoever made it: SQLite itself creates it with the umask's mode (usually 0644). */
function makePrivate(file: string): void {
  closeSync(openSync(file, 'a', 0o600));
  chmodSync(file, 0o600);
}

function verifyReadable(database: SqliteDatabase, file: string, key: StoreKey | undefined): void {
  try {
    database.prepare('SELECT count(*) FROM sqlite_master').get();
  } catch (error) {
    if ((error as { code?: string }).code === 'SQLITE_NOTADB') {
      const why = key
        ? `the key from ${key.origin} does not open it (wrong key, or a file that is not a Persona store)`
        : 'it is encrypted and no key is configured (set PERSONA_PASSPHRASE or PERSONA_KEY_FILE)';
      throw new StoreError('store-key', `Cannot open the store ${file}: ${why}. The file was not changed.`, { cause: error });
    }
    throw new StoreError('store-corrupt', `Cannot open the store ${file}: ${(error as Error).message}`, { cause: error });
  }
}

function migrate(database: SqliteDatabase): void {
  database.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
  const applied = new Set(
    database.prepare('SELECT version FROM schema_migrations').all().map((row) => (row as { version: number }).version),
  );
  const newest = Math.max(0, ...applied);
  const known = Math.max(...migrations.map((migration) => migration.version));
  if (newest > known) {
    throw new StoreError('store-corrupt', `The store was written by a newer Persona (schema ${newest}, this one knows ${known}); upgrade Persona.`);
  }
  for (const migration of migrations) {
    if (applied.has(migration.version)) continue;
    database.transaction(() => {
      database.exec(migration.sql);
      database
        .prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)')
        .run(migration.version, migration.name, new Date().toISOString());
    })();
  }
}
