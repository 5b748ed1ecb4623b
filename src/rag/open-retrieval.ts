/**
 * Everything a search needs for one persona: its chunks, the BM25 index, the embedder and
 * its collection in the vector store (embedded Chroma, or CHROMA_URL). Closed as one.
 * The chunks and the retriever follow the store: what another process ingests, embeds or
 * forgets is seen by the next search (see live-retriever.ts).
 */
import path from 'node:path';
import type { Config } from '../config.js';
import { StoreError } from '../errors.js';
import { findPersona, listPersonas } from '../store/persona-repository.js';
import type { Store } from '../store/store.js';
import { openVectorStore } from './chroma/open-vector-store.js';
import type { CatalogChunk } from './chunk-catalog.js';
import { createEmbedder } from './create-embedder.js';
import type { Embedder } from './embedder.js';
import { createLiveRetriever, type LiveRetriever } from './live-retriever.js';
import type { VectorCollection, VectorStore } from './vector-store.js';

export interface Retrieval {
  readonly chunks: readonly CatalogChunk[];
  readonly embedder: Embedder;
  readonly collection: VectorCollection;
  readonly retriever: LiveRetriever;
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
  const embedder = await createEmbedder(config);
  let vectorStore: VectorStore | undefined;
  try {
    vectorStore = await openVectorStore({ chromaUrl: config.retrieval.chromaUrl, dataFolder: path.join(config.home, 'chroma') });
    const collection = await vectorStore.collection(collectionName(personaId, embedder.id), embedder.dimensions);
    const retriever = createLiveRetriever({ database: store.database, personaId, embedder, collection, ownDetails: config.privacy.ownDetails });
    const openedStore = vectorStore;
    const close = async (): Promise<void> => {
      await Promise.allSettled([embedder.close(), openedStore.close()]);
    };
    return {
      get chunks() {
        return retriever.chunks;
      },
      embedder,
      collection,
      retriever,
      close,
      [Symbol.asyncDispose]: close,
    };
  } catch (error) {
    await Promise.allSettled([embedder.close(), vectorStore?.close()]);
    throw error;
  }
}
