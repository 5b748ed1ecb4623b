/**
 * The vector store contract on a Chroma server (embedded or external), through the
 * `chromadb` 3.x client.
 *
 * - Collections use cosine space and no embedding function: vectors always arrive
 *   computed, and a `null` embedding function keeps the client from loading (or
 *   downloading) its default model.
 * - A collection records its `dimensions` in its metadata, so a different embedder
 *   cannot silently mix vectors into it; Chroma's own check only starts at the first record.
 * - Requests retry while the server does not answer: an embedded server being restarted
 *   is back within a second or two, and every operation here is idempotent.
 * - Writes and reads are cut into batches under the server's max batch size.
 */
import { ChromaClient, ChromaConnectionError, ChromaNotFoundError, type Collection, type Metadata } from 'chromadb';
import { performance } from 'node:perf_hooks';
import type { VectorCollection, VectorFilter, VectorMatch, VectorMetadata, VectorRecord, VectorStore } from '../vector-store.js';
import { toChromaWhere } from './chroma-where.js';
import { VectorStoreError } from './vector-store-error.js';
import { sleep } from '../../abortable-sleep.js';

export interface ChromaVectorStoreOptions {
  /** e.g. `http://127.0.0.1:8000`; a path in the URL is not supported by the client. */
  url: string;
  tenant?: string;
  database?: string;
  /** Sent with every request, e.g. `{ 'x-chroma-token': … }` for a server with auth. */
  headers?: Record<string, string>;
  /** How long one operation keeps retrying while the server does not answer. */
  retryWindowMs?: number;
  /**
   * Called before each retry while the server does not answer; an embedded server passes
   * its `ready()`, so a request waits for the restart instead of polling, and fails at
   * once with the server's own error when the server gave up.
   */
  waitForServer?: (signal?: AbortSignal) => Promise<void>;
}

/** Chroma's rule for collection names (checked here so the error names the collection). */
const COLLECTION_NAME = /^[a-zA-Z0-9](?:[a-zA-Z0-9._-]{1,510})[a-zA-Z0-9]$/;

/** Used until the server tells its own limit; chromadb 3.5's embedded server says 5461. */
const FALLBACK_BATCH_SIZE = 1_000;

function batches<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < items.length; start += size) result.push(items.slice(start, start + size));
  return result;
}

function isConnectionFailure(error: unknown): boolean {
  if (error instanceof ChromaConnectionError) return true;
  // A connection cut while a response is read (the server killed mid-request) surfaces
  // from fetch as a bare TypeError, outside the client's own error classes.
  return error instanceof TypeError && /fetch failed|terminated|socket/i.test(error.message);
}

/**
 * The client takes no per-request signal, so an abort stops the wait, not the request:
 * every request here is idempotent and its late answer is simply dropped.
 */
async function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  work.catch(() => {});
  try {
    return await Promise.race([work, aborted]);
  } finally {
    if (onAbort) signal.removeEventListener('abort', onAbort);
  }
}

function scalarMetadata(metadata: Metadata | null | undefined): VectorMetadata {
  const result: VectorMetadata = {};
  for (const [key, value] of Object.entries(metadata ?? {})) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') result[key] = value;
  }
  return result;
}

function parseUrl(url: string): { host: string; port: number; ssl: boolean } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (error) {
    throw new VectorStoreError('server-start', `The Chroma URL "${url}" is not a URL`, { cause: error });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new VectorStoreError('server-start', `The Chroma URL "${url}" must start with http:// or https://`);
  }
  const ssl = parsed.protocol === 'https:';
  return { host: parsed.hostname, port: parsed.port ? Number(parsed.port) : ssl ? 443 : 80, ssl };
}

export function createChromaVectorStore(options: ChromaVectorStoreOptions): VectorStore {
  const url = options.url.replace(/\/+$/, '');
  const client = new ChromaClient({
    ...parseUrl(url),
    ...(options.tenant !== undefined ? { tenant: options.tenant } : {}),
    ...(options.database !== undefined ? { database: options.database } : {}),
    ...(options.headers !== undefined ? { headers: options.headers } : {}),
  });
  const retryWindowMs = options.retryWindowMs ?? 15_000;
  let closed = false;
  let batchSize: Promise<number> | undefined;

  async function request<T>(what: string, collection: string | undefined, signal: AbortSignal | undefined, run: () => Promise<T>): Promise<T> {
    const about = collection === undefined ? '' : ` on collection "${collection}"`;
    const deadline = performance.now() + retryWindowMs;
    for (let attempt = 1; ; attempt += 1) {
      if (closed) throw new VectorStoreError('closed', `The vector store at ${url} is closed (${what}${about})`, { collection });
      signal?.throwIfAborted();
      try {
        return await untilAborted(run(), signal);
      } catch (error) {
        if (signal?.aborted) throw signal.reason;
        if (error instanceof VectorStoreError) throw error;
        if (!isConnectionFailure(error)) {
          throw new VectorStoreError('request-failed', `Chroma at ${url} refused ${what}${about}: ${(error as Error).message}`, { cause: error, collection });
        }
        if (performance.now() >= deadline) {
          throw new VectorStoreError('unavailable', `Chroma at ${url} did not answer ${what}${about} for ${retryWindowMs} ms`, { cause: error, collection });
        }
        await options.waitForServer?.(signal);
        await sleep(Math.min(50 * attempt, 500), signal);
      }
    }
  }

  function maxBatchSize(): Promise<number> {
    batchSize ??= request('reading the max batch size', undefined, undefined, () => client.getMaxBatchSize()).then(
      (size) => (Number.isInteger(size) && size > 0 ? size : FALLBACK_BATCH_SIZE),
      (error: unknown) => {
        // Not cached: the next call asks again.
        batchSize = undefined;
        throw error;
      },
    );
    return batchSize;
  }

  async function checkCompatible(chroma: Collection, name: string, dimensions: number): Promise<void> {
    const configuredSpace = chroma.configuration?.hnsw?.space ?? chroma.configuration?.spann?.space ?? chroma.metadata?.['hnsw:space'];
    if (configuredSpace !== undefined && configuredSpace !== null && configuredSpace !== 'cosine') {
      throw new VectorStoreError(
        'collection-incompatible',
        `Collection "${name}" uses ${String(configuredSpace)} distance; this store needs cosine (scores are cosine similarity)`,
        { collection: name },
      );
    }
    const recorded = chroma.metadata?.['dimensions'];
    if (typeof recorded === 'number') {
      if (recorded !== dimensions) {
        throw new VectorStoreError(
          'collection-incompatible',
          `Collection "${name}" holds vectors of ${recorded} dimensions; refusing vectors of ${dimensions} dimensions (another embedder needs its own collection)`,
          { collection: name },
        );
      }
      return;
    }
    // Made by someone else, without our metadata: check a stored vector, then record the size.
    const sample = await request('reading a sample record', name, undefined, () => chroma.get({ limit: 1, include: ['embeddings'] }));
    const stored = sample.embeddings[0]?.length;
    if (stored !== undefined && stored !== dimensions) {
      throw new VectorStoreError(
        'collection-incompatible',
        `Collection "${name}" holds vectors of ${stored} dimensions; refusing vectors of ${dimensions} dimensions (another embedder needs its own collection)`,
        { collection: name },
      );
    }
    const metadata = Object.fromEntries(Object.entries(chroma.metadata ?? {}).filter(([key]) => !key.startsWith('hnsw:')));
    await request('recording the dimensions', name, undefined, () => chroma.modify({ metadata: { ...metadata, dimensions } }));
  }

  function checkVector(name: string, dimensions: number, vector: Float32Array, what: string): void {
    if (vector.length !== dimensions) {
      throw new VectorStoreError(
        'collection-incompatible',
        `Collection "${name}" holds vectors of ${dimensions} dimensions; ${what} has ${vector.length}`,
        { collection: name },
      );
    }
    for (let index = 0; index < vector.length; index += 1) {
      if (!Number.isFinite(vector[index])) {
        throw new VectorStoreError('invalid-record', `Collection "${name}": ${what} has a non-finite value at index ${index}`, { collection: name });
      }
    }
  }

  function wrapCollection(chroma: Collection, name: string, dimensions: number): VectorCollection {
    return {
      name,

      async upsert(records: readonly VectorRecord[], { signal }: { signal?: AbortSignal } = {}): Promise<void> {
        // Last one wins, as if the records were upserted one by one; Chroma refuses
        // duplicate ids within one request.
        const unique = new Map<string, VectorRecord>();
        for (const record of records) {
          checkVector(name, dimensions, record.vector, `record "${record.id}"`);
          unique.delete(record.id);
          unique.set(record.id, record);
        }
        if (unique.size === 0) return;
        const size = await maxBatchSize();
        for (const batch of batches([...unique.values()], size)) {
          const ids = batch.map((record) => record.id);
          const embeddings = batch.map((record) => Array.from(record.vector));
          // Chroma refuses an empty metadata object but takes null for "none".
          const metadatas = batch.map((record) => (Object.keys(record.metadata).length > 0 ? record.metadata : null)) as Metadata[];
          await request(`upserting ${batch.length} records`, name, signal, () => chroma.upsert({ ids, embeddings, metadatas }));
        }
      },

      async query(vector: Float32Array, { k, filter, signal }: { k: number; filter?: VectorFilter; signal?: AbortSignal }): Promise<VectorMatch[]> {
        checkVector(name, dimensions, vector, 'the query vector');
        const nResults = Math.floor(k);
        if (!(nResults >= 1)) return [];
        const where = toChromaWhere(filter);
        if (where.kind === 'none') return [];
        const result = await request('a query', name, signal, () =>
          chroma.query({
            queryEmbeddings: [Array.from(vector)],
            nResults,
            ...(where.kind === 'where' ? { where: where.where } : {}),
            include: ['distances', 'metadatas'],
          }),
        );
        const ids = result.ids[0] ?? [];
        const distances = result.distances[0] ?? [];
        const metadatas = result.metadatas[0] ?? [];
        // Chroma's cosine distance is 1 - cosine similarity.
        return ids.map((id, index) => ({ id, score: 1 - (distances[index] ?? 1), metadata: scalarMetadata(metadatas[index]) }));
      },

      async delete(ids: readonly string[]): Promise<void> {
        const unique = [...new Set(ids)];
        if (unique.length === 0) return;
        const size = await maxBatchSize();
        for (const batch of batches(unique, size)) {
          await request(`deleting ${batch.length} records`, name, undefined, () => chroma.delete({ ids: batch }));
        }
      },

      async existingIds(ids: readonly string[]): Promise<Set<string>> {
        const found = new Set<string>();
        const unique = [...new Set(ids)];
        if (unique.length === 0) return found;
        const size = await maxBatchSize();
        for (const batch of batches(unique, size)) {
          const result = await request(`looking up ${batch.length} ids`, name, undefined, () => chroma.get({ ids: batch, include: [] }));
          for (const id of result.ids) found.add(id);
        }
        return found;
      },

      count(): Promise<number> {
        return request('counting records', name, undefined, () => chroma.count());
      },
    };
  }

  return {
    async collection(name: string, dimensions: number): Promise<VectorCollection> {
      if (!COLLECTION_NAME.test(name)) {
        throw new VectorStoreError(
          'collection-name',
          `Collection name "${name}" is not valid for Chroma: 3-512 characters from a-z A-Z 0-9 . _ -, starting and ending with a letter or digit`,
          { collection: name },
        );
      }
      if (!Number.isInteger(dimensions) || dimensions < 1) {
        throw new VectorStoreError('invalid-record', `Collection "${name}": dimensions must be a positive integer, got ${dimensions}`, { collection: name });
      }
      const chroma = await request('opening the collection', name, undefined, () =>
        client.getOrCreateCollection({
          name,
          embeddingFunction: null,
          configuration: { hnsw: { space: 'cosine' } },
          metadata: { dimensions },
        }),
      );
      await checkCompatible(chroma, name, dimensions);
      return wrapCollection(chroma, name, dimensions);
    },

    async deleteCollection(name: string): Promise<void> {
      await request('deleting the collection', name, undefined, async () => {
        try {
          await client.deleteCollection({ name });
        } catch (error) {
          // Already gone is what the caller wanted.
          if (!(error instanceof ChromaNotFoundError)) throw error;
        }
      });
    },

    async close(): Promise<void> {
      // The client holds no connection of its own; closing only makes later use an error.
      closed = true;
    },
  };
}
