/**
 * The vector store contract. It holds ids, vectors and non-sensitive metadata only;
 * chunk text stays in the encrypted store.
 */
export type VectorMetadata = Record<string, string | number | boolean>;

export interface VectorRecord {
  id: string;
  vector: Float32Array;
  metadata: VectorMetadata;
}

export interface VectorMatch {
  id: string;
  /** Cosine similarity, 1 = same direction. */
  score: number;
  metadata: VectorMetadata;
}

/** Equality filters and numeric ranges over metadata, e.g. `{ kind: 'email', sentAt: { gte: 1700000000 } }`. */
export type VectorFilter = Record<string, string | number | boolean | { gte?: number; lte?: number } | { in: (string | number)[] }>;

export interface VectorCollection {
  readonly name: string;
  upsert(records: readonly VectorRecord[], options?: { signal?: AbortSignal }): Promise<void>;
  query(vector: Float32Array, options: { k: number; filter?: VectorFilter; signal?: AbortSignal }): Promise<VectorMatch[]>;
  delete(ids: readonly string[]): Promise<void>;
  /** Which of these ids are stored (to resume an interrupted embedding run). */
  existingIds(ids: readonly string[]): Promise<Set<string>>;
  count(): Promise<number>;
}

export interface VectorStore {
  collection(name: string, dimensions: number): Promise<VectorCollection>;
  deleteCollection(name: string): Promise<void>;
  close(): Promise<void>;
}
