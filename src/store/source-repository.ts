/** Ingested files: what was read, when, with which content hash, and how to forget it. */
import type { SqliteDatabase } from './open-database.js';

export interface SourceRow {
  id: number;
  personaId: string;
  path: string;
  type: string;
  contentHash: string;
  sizeBytes: number;
  modifiedAt: string;
  ingestedAt: string;
  itemCount: number;
  /** Which persona identities attributed its items (see `identityKey`). */
  identityKey: string;
}

export interface SourceSummary extends SourceRow {
  chunkCount: number;
}

interface SourceRecordRow {
  id: number;
  persona_id: string;
  path: string;
  type: string;
  content_hash: string;
  size_bytes: number;
  modified_at: string;
  ingested_at: string;
  item_count: number;
  identity_key: string;
}

function toSourceRow(row: SourceRecordRow): SourceRow {
  return {
    id: row.id,
    personaId: row.persona_id,
    path: row.path,
    type: row.type,
    contentHash: row.content_hash,
    sizeBytes: row.size_bytes,
    modifiedAt: row.modified_at,
    ingestedAt: row.ingested_at,
    itemCount: row.item_count,
    identityKey: row.identity_key,
  };
}

export function findSource(database: SqliteDatabase, personaId: string, path: string): SourceRow | undefined {
  const row = database.prepare('SELECT * FROM sources WHERE persona_id = ? AND path = ?').get(personaId, path) as SourceRecordRow | undefined;
  return row ? toSourceRow(row) : undefined;
}

export function saveSource(database: SqliteDatabase, source: Omit<SourceRow, 'id' | 'itemCount'>): number {
  const row = database
    .prepare(
      `INSERT INTO sources (persona_id, path, type, content_hash, size_bytes, modified_at, ingested_at, identity_key)
       VALUES (@personaId, @path, @type, @contentHash, @sizeBytes, @modifiedAt, @ingestedAt, @identityKey)
       ON CONFLICT (persona_id, path) DO UPDATE SET type = excluded.type, content_hash = excluded.content_hash,
         size_bytes = excluded.size_bytes, modified_at = excluded.modified_at, ingested_at = excluded.ingested_at,
         identity_key = excluded.identity_key
       RETURNING id`,
    )
    .get(source) as { id: number };
  return row.id;
}

export function updateSourceItemCount(database: SqliteDatabase, sourceId: number): void {
  database.prepare('UPDATE sources SET item_count = (SELECT count(*) FROM item_sources WHERE source_id = ?) WHERE id = ?').run(sourceId, sourceId);
}

/** Records that an unchanged file was seen again (a touched mtime), without re-reading it. */
export function touchSource(database: SqliteDatabase, sourceId: number, modifiedAt: string): void {
  database.prepare('UPDATE sources SET modified_at = ? WHERE id = ?').run(modifiedAt, sourceId);
}

/**
 * Detaches every item from the source, then deletes the items no other source holds
 * (their passages, chunks, interview rows and attachments go with them). Attachments
 * are linked through their email, not to sources directly.
 */
export function detachSourceItems(database: SqliteDatabase, sourceId: number): void {
  database.prepare('DELETE FROM item_sources WHERE source_id = ?').run(sourceId);
  database.exec(
    'DELETE FROM items WHERE parent_item_id IS NULL AND NOT EXISTS (SELECT 1 FROM item_sources WHERE item_sources.item_id = items.id)',
  );
}

/**
 * Removes the source with its items, and the persona's remembered answers that cited it:
 * earlier conversations go into later prompts, so an answer quoting a forgotten source
 * would otherwise be spoken again (their feedback goes with them).
 */
export function forgetSource(database: SqliteDatabase, sourceId: number): void {
  database.transaction(() => {
    const source = database.prepare('SELECT persona_id, path FROM sources WHERE id = ?').get(sourceId) as { persona_id: string; path: string } | undefined;
    detachSourceItems(database, sourceId);
    database.prepare('DELETE FROM sources WHERE id = ?').run(sourceId);
    if (!source) return;
    database
      .prepare(
        `DELETE FROM conversation_turns
         WHERE conversation_id IN (SELECT id FROM conversations WHERE persona_id = ?)
           AND EXISTS (SELECT 1 FROM json_each(conversation_turns.sources) WHERE json_extract(json_each.value, '$.source') = ?)`,
      )
      .run(source.persona_id, source.path);
  })();
}

export function listSources(database: SqliteDatabase, personaId?: string): SourceSummary[] {
  const rows = database
    .prepare(
      `SELECT sources.*, (SELECT count(*) FROM chunks JOIN items ON items.id = chunks.item_id
                          JOIN item_sources ON item_sources.item_id = coalesce(items.parent_item_id, items.id)
                          WHERE item_sources.source_id = sources.id) AS chunk_count
       FROM sources WHERE (@personaId IS NULL OR persona_id = @personaId) ORDER BY persona_id, path`,
    )
    .all({ personaId: personaId ?? null }) as (SourceRecordRow & { chunk_count: number })[];
  return rows.map((row) => ({ ...toSourceRow(row), chunkCount: row.chunk_count }));
}

