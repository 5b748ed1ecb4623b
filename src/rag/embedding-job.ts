/**
 * Embeds a persona's chunks into its collection: only chunks not yet embedded (or whose
 * text changed), in batches, recording each finished batch in the store so a killed run
 * resumes where it stopped; vectors of forgotten chunks are deleted from the index.
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

export async function runEmbedding(options: EmbeddingRunOptions): Promise<EmbeddingRunResult> {
  const { database, embedder, collection } = options;
  const batchSize = options.batchSize ?? 32;
  const recorded = recordedHashes(database, embedder.id);
  const current = new Set(options.chunks.map((chunk) => chunk.id));
  const stale = [...recorded.keys()].filter((chunkId) => !current.has(chunkId));
  if (stale.length > 0) {
    await collection.delete(stale.map(vectorId));
    const forget = database.prepare('DELETE FROM embedded_chunks WHERE embedder_id = ? AND chunk_id = ?');
    database.transaction(() => stale.forEach((chunkId) => forget.run(embedder.id, chunkId)))();
  }

  const pending = options.chunks.filter((chunk) => recorded.get(chunk.id) !== textHash(embeddingText(chunk)));
  const alreadyEmbedded = options.chunks.length - pending.length;
  const record = database.prepare(
    'INSERT OR REPLACE INTO embedded_chunks (embedder_id, chunk_id, text_hash, embedded_at) VALUES (?, ?, ?, ?)',
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
    database.transaction(() => batch.forEach((chunk) => record.run(embedder.id, chunk.id, textHash(embeddingText(chunk)), now)))();
    progress.done += batch.length;
    options.onProgress?.(progress);
  }
  return { embedded: pending.length, alreadyEmbedded, deleted: stale.length };
}

/** Share of the persona's chunks with a current vector: dense search is partial until it is 1. */
export function embeddedShare(database: SqliteDatabase, embedderId: string, chunks: readonly CatalogChunk[]): number {
  if (chunks.length === 0) return 1;
  const recorded = recordedHashes(database, embedderId);
  return chunks.filter((chunk) => recorded.get(chunk.id) === textHash(embeddingText(chunk))).length / chunks.length;
}

function recordedHashes(database: SqliteDatabase, embedderId: string): Map<number, string> {
  const rows = database.prepare('SELECT chunk_id, text_hash FROM embedded_chunks WHERE embedder_id = ?').all(embedderId) as { chunk_id: number; text_hash: string }[];
  return new Map(rows.map((row) => [row.chunk_id, row.text_hash]));
}
