/**
 * Embeds a persona's chunks into its collection: only chunks not yet embedded (or whose
 * text changed), in batches, recording each finished batch in the store so a killed run
 * resumes where it stopped; vectors of forgotten chunks are deleted from the index.
 * Records belong to one persona and one embedder: another persona's run never reads
 * this persona's records as stale.
 */
import type { SqliteDatabase } from '../store/open-database.js';
import type { CatalogChunk } from './chunk-catalog.js';
import { embeddingText, textHash } from './chunk-catalog.js';
import { embedLongTexts } from './embed-long-texts.js';
import type { Embedder } from './embedder.js';
import type { VectorCollection, VectorMetadata } from './vector-store.js';

export interface EmbeddingProgress {
  done: number;
  total: number;
}

export interface EmbeddingRunResult {
  embedded: number;
  alreadyEmbedded: number;
  deleted: number;
}

export interface EmbeddingRunOptions {
  database: SqliteDatabase;
  /** Whose chunks these are: the records read and written are this persona's only. */
  personaId: string;
  chunks: readonly CatalogChunk[];
  embedder: Embedder;
  collection: VectorCollection;
  batchSize?: number;
  signal?: AbortSignal;
  onProgress?: (progress: EmbeddingProgress) => void;
}

export function vectorId(chunkId: number): string {
  return `chunk-${chunkId}`;
}

export function chunkIdOf(vectorIdentifier: string): number {
  return Number(vectorIdentifier.slice('chunk-'.length));
}

/** What the index may hold: no text, no names, no addresses, no paths. */
function vectorMetadata(chunk: CatalogChunk): VectorMetadata {
  const metadata: VectorMetadata = { kind: chunk.kind, isPersona: chunk.isPersona };
  if (chunk.sentAtSeconds !== undefined) metadata.sentAt = chunk.sentAtSeconds;
  return metadata;
}

/**
 * Deletes the vectors (and records) of this persona's chunks that are gone: forgotten, or
 * whose id now belongs to another persona. Returns how many were removed.
 */
export async function removeStaleVectors(
  options: Pick<EmbeddingRunOptions, 'database' | 'personaId' | 'chunks' | 'collection'> & { embedderId: string },
): Promise<number> {
  const { database, personaId, embedderId } = options;
  const recorded = recordedHashes(database, personaId, embedderId);
  const current = new Set(options.chunks.map((chunk) => chunk.id));
  const stale = [...recorded.keys()].filter((chunkId) => !current.has(chunkId));
  if (stale.length === 0) return 0;
  // Vectors first, then records: a failure in between leaves records that the next run retries.
  await options.collection.delete(stale.map(vectorId));
  const forget = database.prepare('DELETE FROM embedded_chunks WHERE persona_id = ? AND embedder_id = ? AND chunk_id = ?');
  database.transaction(() => stale.forEach((chunkId) => forget.run(personaId, embedderId, chunkId)))();
  return stale.length;
}

export async function runEmbedding(options: EmbeddingRunOptions): Promise<EmbeddingRunResult> {
  const { database, embedder, collection, personaId } = options;
  const batchSize = options.batchSize ?? 32;
  const deleted = await removeStaleVectors({ ...options, embedderId: embedder.id });
  const recorded = recordedHashes(database, personaId, embedder.id);

  const pending = options.chunks.filter((chunk) => recorded.get(chunk.id) !== textHash(embeddingText(chunk)));
  const alreadyEmbedded = options.chunks.length - pending.length;
  const record = database.prepare(
    'INSERT OR REPLACE INTO embedded_chunks (persona_id, embedder_id, chunk_id, text_hash, embedded_at) VALUES (?, ?, ?, ?, ?)',
  );
  const progress: EmbeddingProgress = { done: alreadyEmbedded, total: options.chunks.length };
  options.onProgress?.(progress);
  for (let start = 0; start < pending.length; start += batchSize) {
    options.signal?.throwIfAborted();
    const batch = pending.slice(start, start + batchSize);
    const vectors = await embedLongTexts(embedder, batch.map(embeddingText), { signal: options.signal, purpose: 'document' });
    await collection.upsert(
      batch.map((chunk, index) => ({ id: vectorId(chunk.id), vector: vectors[index]!, metadata: vectorMetadata(chunk) })),
      { signal: options.signal },
    );
    // Recorded only after the vectors are stored: a kill in between re-embeds this batch, never skips it.
    const now = new Date().toISOString();
    database.transaction(() => batch.forEach((chunk) => record.run(personaId, embedder.id, chunk.id, textHash(embeddingText(chunk)), now)))();
    progress.done += batch.length;
    options.onProgress?.(progress);
  }
  return { embedded: pending.length, alreadyEmbedded, deleted };
}

/** The persona's chunks that have a current vector (recorded with their present text). */
export function embeddedChunkIds(database: SqliteDatabase, personaId: string, embedderId: string, chunks: readonly CatalogChunk[]): Set<number> {
  const recorded = recordedHashes(database, personaId, embedderId);
  return new Set(chunks.filter((chunk) => recorded.get(chunk.id) === textHash(embeddingText(chunk))).map((chunk) => chunk.id));
}

/** Share of the persona's chunks with a current vector: dense search is partial until it is 1. */
export function embeddedShare(database: SqliteDatabase, personaId: string, embedderId: string, chunks: readonly CatalogChunk[]): number {
  if (chunks.length === 0) return 1;
  return embeddedChunkIds(database, personaId, embedderId, chunks).size / chunks.length;
}

function recordedHashes(database: SqliteDatabase, personaId: string, embedderId: string): Map<number, string> {
  const rows = database
    .prepare('SELECT chunk_id, text_hash FROM embedded_chunks WHERE persona_id = ? AND embedder_id = ?')
    .all(personaId, embedderId) as { chunk_id: number; text_hash: string }[];
  return new Map(rows.map((row) => [row.chunk_id, row.text_hash]));
}
