/**
 * A tiny llama-architecture model (~130K parameters) and LoRA adapters for it, built from a
 * seed. No model can be downloaded in CI, so the llama engine's tests and bench run real
 * llama.cpp on these. The weights are pseudo-random, so the text is noise; what matters is
 * that it is deterministic, streams token by token, and changes when an adapter is applied.
 *
 * The vocabulary is SentencePiece-style: <unk>, <s>, </s>, the 256 byte tokens, so any
 * text tokenises by byte fallback, and the SentencePiece space. The output rows of every token except printable ASCII
 * are zero, and those of the printable ones random: greedy decoding then picks printable
 * characters (whole UTF-8 text, one delta per token) and never picks </s>, so a turn runs
 * exactly to `maxTokens`.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { type GgufContent, type GgufMetadataValue, type GgufTensor, writeGgufFile } from './gguf-writer.js';
import { seededRandom } from '../../seeded-random.js';

export interface LlamaShape {
  embedding: number;
  blocks: number;
  heads: number;
  feedForward: number;
  context: number;
}

/** 4096 positions (not 512): a real persona prompt in byte tokens must fit, as it does in an 8B model's window. */
export const tinyLlamaShape: LlamaShape = { embedding: 64, blocks: 2, heads: 4, feedForward: 128, context: 4096 };

/** <unk>, <s>, </s>, 256 byte tokens and the SentencePiece space. */
const vocabulary = 260;

const firstByteToken = 3;
const spaceToken = '\u2581';
const spaceTokenId = 259;

/** Where each LoRA target sits and its [inputs, outputs]. */
type LoraTarget = 'attn_q' | 'attn_k' | 'attn_v' | 'attn_output' | 'ffn_gate' | 'ffn_up' | 'ffn_down' | 'output';

export const defaultLoraTargets: readonly LoraTarget[] = ['attn_q', 'attn_v', 'ffn_up', 'output'];

/** Each tensor draws from its own stream, so adding a tensor never changes the others. */
function streamSeed(seed: number, name: string): number {
  let hash = 2166136261 ^ seed;
  for (const character of name) hash = Math.imul(hash ^ character.charCodeAt(0), 16777619);
  return hash >>> 0;
}

function uniform(count: number, seed: number, name: string, scale: number): Float32Array {
  const random = seededRandom(streamSeed(seed, name));
  const values = new Float32Array(count);
  for (let index = 0; index < count; index += 1) values[index] = (random() * 2 - 1) * scale;
  return values;
}

function matrix(seed: number, name: string, inputs: number, outputs: number): GgufTensor {
  // 1/sqrt(inputs) keeps activations near unit size through the blocks.
  return { name, dims: [inputs, outputs], data: uniform(inputs * outputs, seed, name, Math.sqrt(3 / inputs)) };
}

function ones(name: string, size: number): GgufTensor {
  return { name, dims: [size], data: new Float32Array(size).fill(1) };
}

function isPrintableToken(token: number): boolean {
  if (token === spaceTokenId) return true;
  const byte = token - firstByteToken;
  return byte >= 0x20 && byte <= 0x7e;
}

function outputMatrix(seed: number, embedding: number): GgufTensor {
  const data = uniform(embedding * vocabulary, seed, 'output.weight', 3 * Math.sqrt(3 / embedding));
  for (let token = 0; token < vocabulary; token += 1) {
    if (!isPrintableToken(token)) data.fill(0, token * embedding, (token + 1) * embedding);
  }
  return { name: 'output.weight', dims: [embedding, vocabulary], data };
}

function vocabularyMetadata(): Array<readonly [string, GgufMetadataValue]> {
  const tokens = ['<unk>', '<s>', '</s>'];
  const types = [2, 3, 3]; // unknown, control, control
  for (let byte = 0; byte < 256; byte += 1) {
    tokens.push(`<0x${byte.toString(16).toUpperCase().padStart(2, '0')}>`);
    types.push(6); // byte
  }
  // SentencePiece writes a space as U+2581; without this token it would fall back to its
  // three UTF-8 bytes and come back as "▁" rather than " ".
  tokens.push(spaceToken);
  types.push(1); // normal
  return [
    ['tokenizer.ggml.model', { type: 'string', value: 'llama' }],
    ['tokenizer.ggml.tokens', { type: 'string-array', value: tokens }],
    ['tokenizer.ggml.scores', { type: 'float32-array', value: tokens.map(() => 0) }],
    ['tokenizer.ggml.token_type', { type: 'int32-array', value: types }],
    ['tokenizer.ggml.unknown_token_id', { type: 'uint32', value: 0 }],
    ['tokenizer.ggml.bos_token_id', { type: 'uint32', value: 1 }],
    ['tokenizer.ggml.eos_token_id', { type: 'uint32', value: 2 }],
    // Otherwise every prompt would start with a space the text never had.
    ['tokenizer.ggml.add_space_prefix', { type: 'bool', value: false }],
  ];
}

/** `shape` lets the bench build a larger model of the same kind, where compute, not overhead, dominates. */
export function buildTinyLlamaModel(seed = 1, shape: LlamaShape = tinyLlamaShape): GgufContent {
  const { embedding, blocks, heads, feedForward, context } = shape;
  const tensors: GgufTensor[] = [matrix(seed, 'token_embd.weight', embedding, vocabulary)];
  for (let block = 0; block < blocks; block += 1) {
    const prefix = `blk.${block}`;
    tensors.push(
      ones(`${prefix}.attn_norm.weight`, embedding),
      matrix(seed, `${prefix}.attn_q.weight`, embedding, embedding),
      matrix(seed, `${prefix}.attn_k.weight`, embedding, embedding),
      matrix(seed, `${prefix}.attn_v.weight`, embedding, embedding),
      matrix(seed, `${prefix}.attn_output.weight`, embedding, embedding),
      ones(`${prefix}.ffn_norm.weight`, embedding),
      matrix(seed, `${prefix}.ffn_gate.weight`, embedding, feedForward),
      matrix(seed, `${prefix}.ffn_up.weight`, embedding, feedForward),
      matrix(seed, `${prefix}.ffn_down.weight`, feedForward, embedding),
    );
  }
  tensors.push(ones('output_norm.weight', embedding), outputMatrix(seed, embedding));
  return {
    metadata: [
      ['general.architecture', { type: 'string', value: 'llama' }],
      ['general.type', { type: 'string', value: 'model' }],
      ['general.name', { type: 'string', value: 'persona-tiny-llama' }],
      ['general.file_type', { type: 'uint32', value: 0 }], // all F32
      ['llama.context_length', { type: 'uint32', value: context }],
      ['llama.embedding_length', { type: 'uint32', value: embedding }],
      ['llama.block_count', { type: 'uint32', value: blocks }],
      ['llama.feed_forward_length', { type: 'uint32', value: feedForward }],
      ['llama.attention.head_count', { type: 'uint32', value: heads }],
      ['llama.attention.head_count_kv', { type: 'uint32', value: heads }],
      ['llama.rope.dimension_count', { type: 'uint32', value: embedding / heads }],
      ['llama.rope.freq_base', { type: 'float32', value: 10000 }],
      ['llama.attention.layer_norm_rms_epsilon', { type: 'float32', value: 1e-5 }],
      ['llama.vocab_size', { type: 'uint32', value: vocabulary }],
      ...vocabularyMetadata(),
    ],
    tensors,
  };
}

function targetShape(target: LoraTarget, { embedding, feedForward }: LlamaShape): [number, number] {
  switch (target) {
    case 'ffn_gate':
    case 'ffn_up':
      return [embedding, feedForward];
    case 'ffn_down':
      return [feedForward, embedding];
    case 'output':
      return [embedding, vocabulary];
    default:
      return [embedding, embedding];
  }
}

export interface TinyLoraOptions {
  seed: number;
  /** The model's shape; default the tiny model's. */
  shape?: LlamaShape;
  rank?: number;
  alpha?: number;
  targets?: readonly LoraTarget[];
}

/**
 * A LoRA adapter in llama.cpp's format: W' = W + scale · (alpha / rank) · B·A, with
 * `lora_a` [inputs, rank] and `lora_b` [rank, outputs] in ggml order. Both are random (a
 * trained adapter starts with B = 0, which would change nothing here).
 */
export function buildTinyLoraAdapter(options: TinyLoraOptions): GgufContent {
  const rank = options.rank ?? 8;
  const alpha = options.alpha ?? rank;
  const targets = options.targets ?? defaultLoraTargets;
  const shape = options.shape ?? tinyLlamaShape;
  const tensors: GgufTensor[] = [];
  for (const target of targets) {
    const [inputs, outputs] = targetShape(target, shape);
    const names = target === 'output' ? ['output.weight'] : Array.from({ length: shape.blocks }, (_, block) => `blk.${block}.${target}.weight`);
    for (const name of names) {
      tensors.push(matrix(options.seed, `${name}.lora_a`, inputs, rank), matrix(options.seed, `${name}.lora_b`, rank, outputs));
    }
  }
  return {
    metadata: [
      ['general.architecture', { type: 'string', value: 'llama' }],
      ['general.type', { type: 'string', value: 'adapter' }],
      ['general.name', { type: 'string', value: `persona-tiny-lora-${options.seed}` }],
      ['adapter.type', { type: 'string', value: 'lora' }],
      ['adapter.lora.alpha', { type: 'float32', value: alpha }],
    ],
    tensors,
  };
}

export interface TinyModelFiles {
  modelPath: string;
  adapterAPath: string;
  adapterBPath: string;
}

/** The model and two different adapters in `folder` (created if needed). */
export function writeTinyModelFiles(folder: string, seed = 1, shape: LlamaShape = tinyLlamaShape): TinyModelFiles {
  mkdirSync(folder, { recursive: true });
  const files: TinyModelFiles = {
    modelPath: path.join(folder, 'tiny-llama.gguf'),
    adapterAPath: path.join(folder, 'tiny-lora-a.gguf'),
    adapterBPath: path.join(folder, 'tiny-lora-b.gguf'),
  };
  writeGgufFile(files.modelPath, buildTinyLlamaModel(seed, shape));
  writeGgufFile(files.adapterAPath, buildTinyLoraAdapter({ seed: seed + 101, shape }));
  writeGgufFile(files.adapterBPath, buildTinyLoraAdapter({ seed: seed + 202, shape }));
  return files;
}
