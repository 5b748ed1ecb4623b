/**
 * Everything a search needs for one persona: its chunks, the BM25 index, the embedder and
 * its collection in the vector store (embedded Chroma, or CHROMA_URL). Closed as one.
 */
import path from 'node:path';
import type { Config } from '../config.js';
import { StoreError } from '../errors.js';
import { findPersona, listPersonas } from '../store/persona-repository.js';
import type { Store } from '../store/store.js';
import { buildBm25Index } from './bm25-index.js';
import { openVectorStore } from './chroma/open-vector-store.js';
import { loadChunkCatalog, type CatalogChunk } from './chunk-catalog.js';
import { createEmbedder } from './create-embedder.js';
import type { Embedder } from './embedder.js';
import { embeddedShare } from './embedding-job.js';
import { createHybridRetriever, type HybridRetriever } from './hybrid-retriever.js';
import type { VectorCollection, VectorStore } from './vector-store.js';

export interface Retrieval {
  readonly chunks: readonly CatalogChunk[];
  readonly embedder: Embedder;
  readonly collection: VectorCollection;
  readonly retriever: HybridRetriever;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Chroma names allow letters, digits, ".", "_" and "-"; one collection per persona and embedder. */
export function collectionName(personaId: string, embedderId: string): string {
  return `persona-${personaId}-${embedderId}`.replace(/[^a-zA-Z0-9._-]+/g, '-').slice(0, 120).replace(/[^a-zA-Z0-9]+$/, '');
}

export function requirePersona(store: Store, personaId: string): void {
  if (findPersona(store.database, personaId)) return;
  const known = listPersonas(store.database).map((persona) => persona.id);
  throw new StoreError(
    'not-found',
    `Unknown persona "${personaId}"; ${known.length ? `known: ${known.join(', ')}` : 'none yet — ingest a corpus with `persona ingest PATH --persona ID`'}`,
  );
}

export async function openRetrieval(config: Config, store: Store, personaId: string): Promise<Retrieval> {
  requirePersona(store, personaId);
  const chunks = loadChunkCatalog(store.database, personaId);
  // Kept unmasked in what retrieval returns: the persona's identities and its configured own details.
  const ownDetails = [...(findPersona(store.database, personaId)?.identities ?? []), ...config.privacy.ownDetails];
  const embedder = await createEmbedder(config);
  let vectorStore: VectorStore | undefined;
  try {
    vectorStore = await openVectorStore({ chromaUrl: config.retrieval.chromaUrl, dataFolder: path.join(config.home, 'chroma') });
    const collection = await vectorStore.collection(collectionName(personaId, embedder.id), embedder.dimensions);
    const coverage = embeddedShare(store.database, embedder.id, chunks);
    // Built on first search: `persona embed` needs the chunks and the collection, not the BM25 index.
    let retriever: HybridRetriever | undefined;
    const openedStore = vectorStore;
    const close = async (): Promise<void> => {
      await Promise.allSettled([embedder.close(), openedStore.close()]);
    };
    return {
      chunks,
      embedder,
      collection,
      get retriever() {
        retriever ??= createHybridRetriever({ chunks, lexical: buildBm25Index(chunks), dense: { embedder, collection, coverage }, ownDetails });
        return retriever;
      },
      close,
      [Symbol.asyncDispose]: close,
    };
  } catch (error) {
    await Promise.allSettled([embedder.close(), vectorStore?.close()]);
    throw error;
  }
}
