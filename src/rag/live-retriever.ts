/**
 * A persona's hybrid retriever that follows the store while it runs: before each search
 * it reads the persona's change stamp (one indexed row) and, when another process has
 * ingested, forgotten or embedded since, reloads what changed: the chunk catalog and
 * BM25 index on a content change, the set of current vectors on an embedding change. A
 * forgotten chunk is therefore gone from the very next search, lexical and dense alike.
 */
import type { SqliteDatabase } from '../store/open-database.js';
import { readPersonaChangeStamp, type PersonaChangeStamp } from '../store/persona-change-stamp.js';
import { findPersona } from '../store/persona-repository.js';
import { buildBm25Index, type Bm25Index } from './bm25-index.js';
import { loadChunkCatalog, type CatalogChunk } from './chunk-catalog.js';
import type { Embedder } from './embedder.js';
import { embeddedChunkIds } from './embedding-job.js';
import { createHybridRetriever, type HybridRetriever } from './hybrid-retriever.js';
import type { VectorCollection } from './vector-store.js';

export interface LiveRetriever extends HybridRetriever {
  /** The persona's chunks as of the last check. */
  readonly chunks: readonly CatalogChunk[];
  /** Compares the change stamp and reloads what changed; true when something was reloaded. */
  refresh(): boolean;
}

export interface LiveRetrieverParts {
  database: SqliteDatabase;
  personaId: string;
  embedder: Embedder;
  collection: VectorCollection;
  /** Configured details of the persona's own that masking leaves as written (`privacy.ownDetails`); its identities are added, as stored now. */
  ownDetails?: readonly string[];
}

export function createLiveRetriever(parts: LiveRetrieverParts): LiveRetriever {
  const { database, personaId, embedder, collection } = parts;
  let stamp: PersonaChangeStamp = readPersonaChangeStamp(database, personaId);
  let chunks = loadChunkCatalog(database, personaId);
  let embeddedIds = embeddedChunkIds(database, personaId, embedder.id, chunks);
  // Kept unmasked in what retrieval returns: the persona's identities (re-read with the chunks: adding one bumps the stamp) and its configured own details.
  const loadOwnDetails = (): string[] => [...(findPersona(database, personaId)?.identities ?? []), ...(parts.ownDetails ?? [])];
  let ownDetails = loadOwnDetails();
  // Built on first search: `persona embed` needs the chunks, not the BM25 index.
  let lexical: Bm25Index | undefined;
  let retriever: HybridRetriever | undefined;

  const refresh = (): boolean => {
    const now = readPersonaChangeStamp(database, personaId);
    const contentChanged = now.content !== stamp.content;
    const embeddingsChanged = now.embeddings !== stamp.embeddings;
    if (!contentChanged && !embeddingsChanged) return false;
    stamp = now;
    if (contentChanged) {
      chunks = loadChunkCatalog(database, personaId);
      ownDetails = loadOwnDetails();
      lexical = undefined;
    }
    embeddedIds = embeddedChunkIds(database, personaId, embedder.id, chunks);
    retriever = undefined;
    return true;
  };

  const current = (): HybridRetriever => {
    lexical ??= buildBm25Index(chunks);
    const coverage = chunks.length === 0 ? 1 : embeddedIds.size / chunks.length;
    retriever ??= createHybridRetriever({ chunks, lexical, dense: { embedder, collection, coverage, embeddedIds }, ownDetails });
    return retriever;
  };

  return {
    get chunks() {
      refresh();
      return chunks;
    },
    refresh,
    search(query, options) {
      refresh();
      return current().search(query, options);
    },
  };
}
