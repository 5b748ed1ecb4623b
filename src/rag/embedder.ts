/**
 * The embedder contract: texts in, unit-length vectors out. `id` names the model and its
 * settings, so vectors from different embedders never share a collection.
 */
export type EmbeddingPurpose = 'document' | 'query';

export interface EmbedOptions {
  signal?: AbortSignal;
  /** Some models embed questions and passages differently (nomic's `search_query:` prefix). */
  purpose?: EmbeddingPurpose;
}

export interface Embedder {
  /** Stable identity, e.g. "onnx:all-MiniLM-L6-v2" or "use-lite"; part of the collection name. */
  readonly id: string;
  readonly dimensions: number;
  /** Longest input in the model's own tokens; longer texts are truncated. */
  readonly maxTokens: number;
  embed(texts: readonly string[], options?: EmbedOptions): Promise<Float32Array[]>;
  close(): Promise<void>;
}
