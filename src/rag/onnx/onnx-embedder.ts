/**
 * The ONNX embedding engine for BERT-family sentence models (all-MiniLM-L6-v2,
 * nomic-embed-text-v1.5): WordPiece ids in, `last_hidden_state` out, masked mean pooling,
 * unit length. Runs on onnxruntime-node's CPU provider so it needs no GPU and no network.
 */
import os from 'node:os';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { ConfigError, describeError } from '../../errors.js';
import type { EmbedOptions, Embedder } from '../embedder.js';
import { embeddingModelProfile } from './embedding-models.js';
import { findModelFile } from './find-model-file.js';
import { loadWordPieceSettings } from './load-wordpiece-settings.js';
import { meanPoolAndNormalize } from './mean-pooling.js';
import { ModelUnreadableError } from './model-unreadable-error.js';
import { createWordPieceTokenizer, type EncodedBatch } from './wordpiece-tokenizer.js';

export type KnownEmbeddingModel = 'all-MiniLM-L6-v2' | 'nomic-embed-text-v1.5';

export interface OnnxEmbedderOptions {
  /** Holds `model.onnx` (or `onnx/model.onnx`) and `tokenizer.json` and/or `vocab.txt`. */
  modelFolder: string;
  /** Names the model in `id` and in error messages, and picks its prefixes and default length. */
  model: KnownEmbeddingModel | (string & {});
  /** Tokens per text, counting [CLS] and [SEP]; longer texts are truncated. */
  maxTokens?: number;
  /** Texts per model run (default 32); fewer when texts are long, to bound attention memory. */
  batchSize?: number;
  /** Intra-op threads (default: every core available to this process). */
  threads?: number;
}

export interface OnnxEmbedder extends Embedder, AsyncDisposable {}

const bertInputs = ['input_ids', 'attention_mask', 'token_type_ids'] as const;
type BertInput = (typeof bertInputs)[number];

/** A batch of `batchSize` texts of 256 tokens is the memory yardstick for longer ones. */
const referenceLength = 256;

function positiveInteger(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) throw new ConfigError(`${name} must be a positive integer, not ${value}`);
  return value;
}

export async function createOnnxEmbedder(options: OnnxEmbedderOptions): Promise<OnnxEmbedder> {
  const { modelFolder, model } = options;
  const modelFile = findModelFile(modelFolder, model);
  const { settings, truncationLength } = loadWordPieceSettings(modelFolder, model);
  const profile = embeddingModelProfile(model, truncationLength);
  const maxTokens = Math.min(positiveInteger('maxTokens', options.maxTokens, profile.defaultMaxTokens), profile.tokenCeiling);
  const batchSize = positiveInteger('batchSize', options.batchSize, 32);
  const threads = positiveInteger('threads', options.threads, os.availableParallelism());
  const tokenizer = createWordPieceTokenizer(settings, { maxTokens });

  let session: InferenceSession;
  try {
    session = await InferenceSession.create(modelFile, {
      executionProviders: ['cpu'],
      intraOpNumThreads: threads,
      // One graph at a time: the batches of a call run one after the other.
      interOpNumThreads: 1,
    });
  } catch (error) {
    // onnxruntime prefixes "Load model from PATH failed:"; the error names the path already.
    const reason = describeError(error).replace(/^Load model from .* failed:/s, '').trim();
    throw new ModelUnreadableError(model, modelFile, reason, { cause: error });
  }

  // Some exports lack token_type_ids; some use int32 ids. Feed exactly what the graph declares.
  const inputTypes = new Map<BertInput, 'int32' | 'int64'>();
  let outputName: string;
  let dimensions: number;
  try {
    for (const metadata of session.inputMetadata) {
      if (!(bertInputs as readonly string[]).includes(metadata.name)) {
        throw new Error(`it declares the input "${metadata.name}"; a BERT sentence model takes only ${bertInputs.join(', ')}`);
      }
      const type = metadata.isTensor && metadata.type === 'int32' ? 'int32' : 'int64';
      inputTypes.set(metadata.name as BertInput, type);
    }
    if (!inputTypes.has('input_ids')) throw new Error('it has no input_ids input');
    ({ outputName, dimensions } = await probeOutput(tokenizer.pad([[tokenizer.classifierId]])));
  } catch (error) {
    await session.release();
    throw new ModelUnreadableError(model, modelFile, describeError(error), { cause: error });
  }

  function feedsFor(batch: EncodedBatch): Record<string, Tensor> {
    const sources: Record<BertInput, BigInt64Array> = {
      input_ids: batch.inputIds,
      attention_mask: batch.attentionMask,
      token_type_ids: batch.tokenTypeIds,
    };
    const feeds: Record<string, Tensor> = {};
    const shape = [batch.batchSize, batch.sequenceLength];
    for (const [name, type] of inputTypes) {
      const source = sources[name];
      feeds[name] = type === 'int64' ? new Tensor('int64', source, shape) : new Tensor('int32', Int32Array.from(source, Number), shape);
    }
    return feeds;
  }

  /** The token vectors output: `last_hidden_state`, else the first [batch, sequence, hidden] one. */
  async function probeOutput(batch: EncodedBatch): Promise<{ outputName: string; dimensions: number }> {
    const results = await session.run(feedsFor(batch));
    const preferred = results.last_hidden_state ? 'last_hidden_state' : undefined;
    const name = preferred ?? session.outputNames.find((candidate) => results[candidate]?.dims.length === 3);
    const output = name === undefined ? undefined : results[name];
    if (name === undefined || output === undefined || output.dims.length !== 3) {
      throw new Error(`none of its outputs (${session.outputNames.join(', ')}) is a [batch, sequence, hidden] tensor`);
    }
    if (output.type !== 'float32') throw new Error(`its output ${name} is ${output.type}, not float32`);
    return { outputName: name, dimensions: Number(output.dims[2]) };
  }

  async function runBatch(batch: EncodedBatch): Promise<Float32Array[]> {
    const results = await session.run(feedsFor(batch), [outputName]);
    const output = results[outputName];
    if (output === undefined || output.type !== 'float32') throw new Error(`${modelFile} returned no float32 ${outputName}`);
    const vectors = meanPoolAndNormalize(output.data as Float32Array, batch.attentionMask, {
      batchSize: batch.batchSize,
      sequenceLength: batch.sequenceLength,
      hiddenSize: dimensions,
    });
    output.dispose();
    return vectors;
  }

  let closed: Promise<void> | undefined;

  async function embed(texts: readonly string[], embedOptions: EmbedOptions = {}): Promise<Float32Array[]> {
    const { signal } = embedOptions;
    if (closed) throw new Error(`the embedder ${model} is closed`);
    signal?.throwIfAborted();
    const prefix = profile.prefixes[embedOptions.purpose ?? 'document'];
    const sequences = texts.map((text) => tokenizer.encode(prefix + text));
    // Longest first: texts of similar length share a batch, so little of it is padding.
    const order = sequences.map((_, index) => index).sort((left, right) => sequences[right]!.length - sequences[left]!.length);
    const vectors = new Array<Float32Array>(texts.length);
    let next = 0;
    while (next < order.length) {
      signal?.throwIfAborted();
      // Attention memory grows with rows × length², so long texts go in smaller batches.
      const longest = sequences[order[next]!]!.length;
      const rows = Math.max(1, Math.min(batchSize, Math.floor((batchSize * referenceLength * referenceLength) / (longest * longest))));
      const indices = order.slice(next, next + rows);
      const batchVectors = await runBatch(tokenizer.pad(indices.map((index) => sequences[index]!)));
      indices.forEach((index, row) => (vectors[index] = batchVectors[row]!));
      next += indices.length;
    }
    signal?.throwIfAborted();
    return vectors;
  }

  async function close(): Promise<void> {
    closed ??= session.release();
    await closed;
  }

  return {
    id: `onnx:${model}`,
    dimensions,
    maxTokens,
    embed,
    close,
    [Symbol.asyncDispose]: close,
  };
}
