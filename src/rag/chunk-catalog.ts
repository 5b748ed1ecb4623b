/**
 * A persona's chunks as retrieval sees them: text and citation fields, read from the
 * encrypted store into memory (the text never leaves this process).
 */
import { createHash } from 'node:crypto';
import type { SqliteDatabase } from '../store/open-database.js';
import type { FilterableChunk } from './search-filter.js';

export interface CatalogChunk extends FilterableChunk {
  id: number;
  itemId: number;
  text: string;
  source: string;
  subject?: string;
  title?: string;
  page?: number;
  sentAt?: string;
}

interface ChunkRow {
  id: number;
  item_id: number;
  text: string;
  is_persona: number;
  kind: string;
  sent_at: string | null;
  author_name: string | null;
  author_address: string | null;
  metadata: string;
}

export function loadChunkCatalog(database: SqliteDatabase, personaId: string): CatalogChunk[] {
  const rows = database
    .prepare(
      `SELECT chunks.id, chunks.item_id, chunks.text, chunks.is_persona, items.kind, items.sent_at,
              passages.author_name, passages.author_address, chunks.metadata
       FROM chunks JOIN items ON items.id = chunks.item_id JOIN passages ON passages.id = chunks.passage_id
       WHERE chunks.persona_id = ? ORDER BY chunks.id`,
    )
    .all(personaId) as ChunkRow[];
  return rows.map((row) => {
    const metadata = JSON.parse(row.metadata) as { source?: string; subject?: string; title?: string; page?: number };
    return {
      id: row.id,
      itemId: row.item_id,
      text: row.text,
      kind: row.kind,
      isPersona: row.is_persona === 1,
      sentAt: row.sent_at ?? undefined,
      sentAtSeconds: row.sent_at ? Math.floor(Date.parse(row.sent_at) / 1000) : undefined,
      authorName: row.author_name ?? undefined,
      authorAddress: row.author_address ?? undefined,
      source: metadata.source ?? '',
      subject: metadata.subject,
      title: metadata.title,
      page: metadata.page,
    };
  });
}

/** Short hash of a chunk's text: tells whether a stored vector still belongs to it. */
export function textHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/**
 * The text a chunk is embedded as. An interview answer goes with its question, so a
 * user's question meets the interviewer's question as well as the answer's words.
 */
export function embeddingText(chunk: CatalogChunk): string {
  return chunk.kind === 'interview' && chunk.subject ? `${chunk.subject}\n${chunk.text}` : chunk.text;
}
