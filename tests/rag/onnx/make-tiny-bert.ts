/**
 * A tiny BERT-shaped ONNX model written by hand, so the ONNX engine is tested on a real
 * onnxruntime session without downloading a model. Same inputs and output as the
 * sentence-transformers exports: int64 `input_ids`, `attention_mask`, `token_type_ids`
 * [batch, sequence] in, float `last_hidden_state` [batch, sequence, 8] out.
 *
 * The graph: x = word_embeddings[input_ids] + token_type_embeddings[token_type_ids];
 * context = mean of x over the tokens the attention mask keeps;
 * last_hidden_state = tanh(x · W + context · U). The context term makes every token depend
 * on the mask, as attention does, so a wrong mask changes the output.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { bytesField, concatenate, messageField, stringField, varintField } from './protobuf-writer.js';

export const hiddenSize = 8;

/** Holds the classic "unaffable" → un ##aff ##able pieces and what the other tests need. */
export const tinyVocabulary = [
  '[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]',
  'the', 'quick', 'brown', 'fox', 'jumps', 'over', 'lazy', 'dog',
  'un', '##aff', '##able', 'hello', 'world', ',', '.', '!', '?', "'", '$', 's',
  'cafe', 'naive', 'resume', '中', '文', 'a', '##b', '##c', 'running',
  'search', '_', 'document', 'query', ':',
];

export interface TinyBertWeights {
  wordEmbeddings: Float32Array; // [vocabulary, hidden]
  tokenTypeEmbeddings: Float32Array | undefined; // [2, hidden]
  tokenWeight: Float32Array; // W [hidden, hidden]
  contextWeight: Float32Array; // U [hidden, hidden]
}

/** Deterministic values in [-scale, scale): the same model on every run. */
function pseudoRandom(count: number, seed: number, scale: number): Float32Array {
  let state = seed;
  return Float32Array.from({ length: count }, () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return (state / 2147483648 - 0.5) * 2 * scale;
  });
}

export function tinyBertWeights(options: { tokenTypes: boolean }): TinyBertWeights {
  return {
    wordEmbeddings: pseudoRandom(tinyVocabulary.length * hiddenSize, 1, 1),
    tokenTypeEmbeddings: options.tokenTypes ? pseudoRandom(2 * hiddenSize, 2, 0.3) : undefined,
    tokenWeight: pseudoRandom(hiddenSize * hiddenSize, 3, 0.6),
    contextWeight: pseudoRandom(hiddenSize * hiddenSize, 4, 0.6),
  };
}

const floatType = 1;
const int64Type = 7;

function tensor(name: string, dims: readonly number[], dataType: number, raw: Uint8Array): Uint8Array {
  // TensorProto: dims = 1, data_type = 2, name = 8, raw_data = 9 (little-endian).
  return concatenate([...dims.map((dim) => varintField(1, dim)), varintField(2, dataType), stringField(8, name), bytesField(9, raw)]);
}

function floatTensor(name: string, dims: readonly number[], values: Float32Array): Uint8Array {
  return tensor(name, dims, floatType, new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
}

function int64Tensor(name: string, values: readonly number[]): Uint8Array {
  const data = BigInt64Array.from(values, BigInt);
  return tensor(name, [values.length], int64Type, new Uint8Array(data.buffer));
}

function node(opType: string, inputs: readonly string[], outputs: readonly string[], attributes: Uint8Array[] = []): Uint8Array {
  // NodeProto: input = 1, output = 2, name = 3, op_type = 4, attribute = 5.
  return concatenate([
    ...inputs.map((input) => stringField(1, input)),
    ...outputs.map((output) => stringField(2, output)),
    stringField(3, `${opType}_${outputs[0]}`),
    stringField(4, opType),
    ...attributes.map((attribute) => messageField(5, [attribute])),
  ]);
}

function integerAttribute(name: string, value: number): Uint8Array {
  // AttributeProto: name = 1, i = 3, type = 20 (INT = 2).
  return concatenate([stringField(1, name), varintField(3, value), varintField(20, 2)]);
}

function valueInfo(name: string, elementType: number, dims: readonly (string | number)[]): Uint8Array {
  // ValueInfoProto{name = 1, type = 2}; TypeProto{tensor_type = 1}; Tensor{elem_type = 1, shape = 2};
  // TensorShapeProto{dim = 1}; Dimension{dim_value = 1, dim_param = 2}.
  const dimensions = dims.map((dim) => messageField(1, [typeof dim === 'number' ? varintField(1, dim) : stringField(2, dim)]));
  const tensorType = messageField(1, [varintField(1, elementType), messageField(2, dimensions)]);
  return concatenate([stringField(1, name), messageField(2, [tensorType])]);
}

export interface TinyBertOptions {
  /** Declare and use token_type_ids, as most exports do (default true). */
  tokenTypes?: boolean;
  /** Name of the output, to test models whose token vectors are not `last_hidden_state`. */
  outputName?: string;
}

/** The encoded ModelProto (ONNX IR 8, opset 13). */
export function makeTinyBert(options: TinyBertOptions = {}): Uint8Array {
  const tokenTypes = options.tokenTypes ?? true;
  const outputName = options.outputName ?? 'last_hidden_state';
  const weights = tinyBertWeights({ tokenTypes });
  const initializers = [
    floatTensor('word_embeddings', [tinyVocabulary.length, hiddenSize], weights.wordEmbeddings),
    floatTensor('token_weight', [hiddenSize, hiddenSize], weights.tokenWeight),
    floatTensor('context_weight', [hiddenSize, hiddenSize], weights.contextWeight),
    int64Tensor('axis_sequence', [1]),
    int64Tensor('axis_last', [2]),
  ];
  const nodes = [node('Gather', ['word_embeddings', 'input_ids'], [tokenTypes ? 'words' : 'embedded'])];
  if (weights.tokenTypeEmbeddings) {
    initializers.push(floatTensor('token_type_embeddings', [2, hiddenSize], weights.tokenTypeEmbeddings));
    nodes.push(node('Gather', ['token_type_embeddings', 'token_type_ids'], ['types']), node('Add', ['words', 'types'], ['embedded']));
  }
  nodes.push(
    node('Cast', ['attention_mask'], ['mask'], [integerAttribute('to', floatType)]),
    node('Unsqueeze', ['mask', 'axis_last'], ['mask_column']),
    node('Mul', ['embedded', 'mask_column'], ['masked']),
    node('ReduceSum', ['masked', 'axis_sequence'], ['total']),
    node('ReduceSum', ['mask_column', 'axis_sequence'], ['count']),
    node('Div', ['total', 'count'], ['context']),
    node('MatMul', ['embedded', 'token_weight'], ['projected']),
    node('MatMul', ['context', 'context_weight'], ['context_projected']),
    node('Add', ['projected', 'context_projected'], ['activation']),
    node('Tanh', ['activation'], [outputName]),
  );
  const inputNames = tokenTypes ? ['input_ids', 'attention_mask', 'token_type_ids'] : ['input_ids', 'attention_mask'];
  // GraphProto: node = 1, name = 2, initializer = 5, input = 11, output = 12.
  const graph = [
    ...nodes.map((encoded) => messageField(1, [encoded])),
    stringField(2, 'tiny_bert'),
    ...initializers.map((encoded) => messageField(5, [encoded])),
    ...inputNames.map((name) => messageField(11, [valueInfo(name, int64Type, ['batch', 'sequence'])])),
    messageField(12, [valueInfo(outputName, floatType, ['batch', 'sequence', hiddenSize])]),
  ];
  // ModelProto: ir_version = 1, producer_name = 2, graph = 7, opset_import = 8 {domain = 1, version = 2}.
  return concatenate([
    varintField(1, 8),
    stringField(2, 'persona-tests'),
    messageField(7, graph),
    messageField(8, [stringField(1, ''), varintField(2, 13)]),
  ]);
}

/** tokenizer.json in the Hugging Face `tokenizers` format, as the MiniLM export ships it. */
export function tinyTokenizerJson(overrides: { lowercase?: boolean; truncation?: number } = {}): string {
  return JSON.stringify({
    version: '1.0',
    truncation: overrides.truncation === undefined ? null : { direction: 'Right', max_length: overrides.truncation, strategy: 'LongestFirst', stride: 0 },
    padding: null,
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: overrides.lowercase ?? true },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } }],
    },
    model: {
      type: 'WordPiece',
      unk_token: '[UNK]',
      continuing_subword_prefix: '##',
      max_input_chars_per_word: 100,
      vocab: Object.fromEntries(tinyVocabulary.map((token, id) => [token, id])),
    },
  });
}

export interface TinyBertFolderOptions extends TinyBertOptions {
  tokenizer?: 'tokenizer.json' | 'vocab.txt' | 'both';
  /** `onnx/model.onnx` instead of `model.onnx`, as some Hugging Face repositories lay it out. */
  inOnnxSubfolder?: boolean;
}

/** A model folder like the one `persona models pull` fills. Returns the folder. */
export function writeTinyBertFolder(folder: string, options: TinyBertFolderOptions = {}): string {
  const modelFile = options.inOnnxSubfolder ? path.join(folder, 'onnx', 'model.onnx') : path.join(folder, 'model.onnx');
  mkdirSync(path.dirname(modelFile), { recursive: true });
  writeFileSync(modelFile, makeTinyBert(options));
  const tokenizer = options.tokenizer ?? 'tokenizer.json';
  if (tokenizer !== 'vocab.txt') writeFileSync(path.join(folder, 'tokenizer.json'), tinyTokenizerJson());
  if (tokenizer !== 'tokenizer.json') writeFileSync(path.join(folder, 'vocab.txt'), `${tinyVocabulary.join('\n')}\n`);
  return folder;
}
