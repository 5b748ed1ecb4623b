/**
 * API keys for the server. A key is shown once, when it is made; the store keeps only its
 * SHA-256, so a copy of the database (or a backup) cannot be used to call the server.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { PersonaError, StoreError } from '../errors.js';
import type { SqliteDatabase } from './open-database.js';

/** Every key starts with this, so a leaked key is recognisable (secret scanners, logs). */
export const apiKeyMarker = 'pk_';

/** 32 random bytes, base64url: 43 characters after the marker. */
const apiKeyPattern = /^pk_[A-Za-z0-9_-]{43}$/;

/** How many characters of the key a listing shows: the marker and 8 of the 43 random ones. */
const prefixLength = apiKeyMarker.length + 8;

/** Writing `last_used_at` on every request would turn each read into a write. */
const lastUsedResolutionMs = 60_000;

const maximumNameLength = 100;

export interface ApiKeyRecord {
  id: string;
  name?: string;
  /** The key's first characters (`pk_` and 8 more): enough to tell keys apart, useless to call with. */
  prefix: string;
  createdAt: string;
  lastUsedAt?: string;
  revokedAt?: string;
}

export interface CreatedApiKey extends ApiKeyRecord {
  /** The plain key. It is not stored anywhere: this is the only time it can be read. */
  key: string;
}

export type ApiKeyVerification =
  | { ok: true; record: ApiKeyRecord }
  | { ok: false; reason: 'malformed' | 'unknown' | 'revoked' };

interface ApiKeyRow {
  id: string;
  name: string | null;
  prefix: string;
  key_hash: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

const columns = 'id, name, prefix, key_hash, created_at, last_used_at, revoked_at';

export function createApiKey(database: SqliteDatabase, options: { name?: string; now?: Date } = {}): CreatedApiKey {
  const name = normaliseName(options.name);
  const key = `${apiKeyMarker}${randomBytes(32).toString('base64url')}`;
  const record: ApiKeyRecord = {
    id: randomBytes(6).toString('hex'),
    ...(name === undefined ? {} : { name }),
    prefix: key.slice(0, prefixLength),
    createdAt: (options.now ?? new Date()).toISOString(),
  };
  database
    .prepare('INSERT INTO api_keys (id, name, prefix, key_hash, created_at) VALUES (?, ?, ?, ?, ?)')
    .run(record.id, name ?? null, record.prefix, hashKey(key).toString('hex'), record.createdAt);
  return { ...record, key };
}

/** All keys, oldest first, revoked ones included (they say when they were revoked). */
export function listApiKeys(database: SqliteDatabase): ApiKeyRecord[] {
  const rows = database.prepare(`SELECT ${columns} FROM api_keys ORDER BY created_at, id`).all() as ApiKeyRow[];
  return rows.map(toRecord);
}

export function findApiKey(database: SqliteDatabase, id: string): ApiKeyRecord | undefined {
  const row = database.prepare(`SELECT ${columns} FROM api_keys WHERE id = ?`).get(id) as ApiKeyRow | undefined;
  return row ? toRecord(row) : undefined;
}

/**
 * Revokes the key with this id, or the one key whose listed prefix this is. Revoking a
 * revoked key changes nothing and returns it, so a script can run twice.
 */
export function revokeApiKey(database: SqliteDatabase, idOrPrefix: string, options: { now?: Date } = {}): ApiKeyRecord {
  const wanted = idOrPrefix.trim();
  const byId = database.prepare(`SELECT ${columns} FROM api_keys WHERE id = ?`).all(wanted) as ApiKeyRow[];
  const matches = byId.length > 0 ? byId : (database.prepare(`SELECT ${columns} FROM api_keys WHERE prefix = ?`).all(wanted) as ApiKeyRow[]);
  if (matches.length === 0) {
    throw new StoreError('not-found', `No API key has the id or prefix "${wanted}" (see: persona keys list)`);
  }
  if (matches.length > 1) {
    throw new StoreError('not-found', `Several API keys have the prefix "${wanted}": revoke one by its id (${matches.map((row) => row.id).join(', ')})`);
  }
  const row = matches[0]!;
  if (row.revoked_at === null) {
    row.revoked_at = (options.now ?? new Date()).toISOString();
    database.prepare('UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(row.revoked_at, row.id);
  }
  return toRecord(row);
}

/**
 * Finds the key by its hash and compares the hashes in constant time. Records the use,
 * but writes only when the last recorded use is a minute old or more.
 */
export function verifyApiKey(database: SqliteDatabase, presented: string, options: { now?: Date } = {}): ApiKeyVerification {
  if (!apiKeyPattern.test(presented)) return { ok: false, reason: 'malformed' };
  const presentedHash = hashKey(presented);
  const row = database.prepare(`SELECT ${columns} FROM api_keys WHERE key_hash = ?`).get(presentedHash.toString('hex')) as ApiKeyRow | undefined;
  // Looking up by hash leaks nothing useful about the key; the constant-time compare keeps that true if the lookup ever narrows by prefix instead.
  if (!row || !timingSafeEqual(Buffer.from(row.key_hash, 'hex'), presentedHash)) return { ok: false, reason: 'unknown' };
  if (row.revoked_at !== null) return { ok: false, reason: 'revoked' };
  const now = options.now ?? new Date();
  if (row.last_used_at === null || now.getTime() - Date.parse(row.last_used_at) >= lastUsedResolutionMs) {
    row.last_used_at = now.toISOString();
    database.prepare('UPDATE api_keys SET last_used_at = ? WHERE id = ?').run(row.last_used_at, row.id);
  }
  return { ok: true, record: toRecord(row) };
}

/** Whether the string has the shape of an API key (not whether it is a valid one). */
export function looksLikeApiKey(value: string): boolean {
  return value.startsWith(apiKeyMarker);
}

function hashKey(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

function normaliseName(name: string | undefined): string | undefined {
  if (name === undefined) return undefined;
  const trimmed = name.trim();
  if (trimmed === '') return undefined;
  if (trimmed.length > maximumNameLength) {
    throw new PersonaError('input-unsupported', `The API key name "${trimmed.slice(0, 20)}…" is ${trimmed.length} characters long; at most ${maximumNameLength} are allowed`);
  }
  // Names are printed in listings and logs; a control character could rewrite the terminal.
  if (/\p{Cc}/u.test(trimmed)) {
    throw new PersonaError('input-unsupported', `The API key name ${JSON.stringify(trimmed)} contains control characters; use plain text`);
  }
  return trimmed;
}

function toRecord(row: ApiKeyRow): ApiKeyRecord {
  return {
    id: row.id,
    ...(row.name === null ? {} : { name: row.name }),
    prefix: row.prefix,
    createdAt: row.created_at,
    ...(row.last_used_at === null ? {} : { lastUsedAt: row.last_used_at }),
    ...(row.revoked_at === null ? {} : { revokedAt: row.revoked_at }),
  };
}
