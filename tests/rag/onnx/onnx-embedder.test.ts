import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError } from '../../../src/errors.js';
import { createOnnxEmbedder, type OnnxEmbedderOptions } from '../../../src/rag/onnx/onnx-embedder.js';
import { loadWordPieceSettings } from '../../../src/rag/onnx/load-wordpiece-settings.js';
import { createWordPieceTokenizer } from '../../../src/rag/onnx/wordpiece-tokenizer.js';
import { temporaryFolder } from '../../helpers/temporary-folder.js';
import { hiddenSize, writeTinyBertFolder, type TinyBertFolderOptions } from './make-tiny-bert.js';
import { referenceSentenceVector } from './tiny-bert-reference.js';

type Context = Parameters<typeof temporaryFolder>[0];

const sentences = [
  'The quick brown fox jumps over the lazy dog.',
  'hello',
  'Unaffable, naïve résumé!',
  '中文 search_query: dog?',
  "the dog's running world",
];

function tinyFolder(context: Context, options: TinyBertFolderOptions = {}): string {
  return writeTinyBertFolder(temporaryFolder(context, 'persona-onnx-'), options);
}

async function open(context: Context, folder: string, options: Partial<OnnxEmbedderOptions> = {}) {
  const embedder = await createOnnxEmbedder({ modelFolder: folder, model: 'all-MiniLM-L6-v2', threads: 1, ...options });
  context.after(() => embedder.close());
  return embedder;
}

/** What the tiny model should give, computed in TypeScript from the same tokenizer ids. */
function expectedVector(folder: string, text: string, options: { tokenTypes: boolean; maxTokens?: number }): number[] {
  const tokenizer = createWordPieceTokenizer(loadWordPieceSettings(folder, 'tiny').settings, { maxTokens: options.maxTokens ?? 256 });
  return referenceSentenceVector(tokenizer.encode(text), options);
}

function assertClose(actual: Float32Array | undefined, expected: readonly number[], label: string): void {
  assert.ok(actual, `${label}: no vector`);
  assert.equal(actual.length, expected.length, `${label}: length`);
  expected.forEach((value, index) => assert.ok(Math.abs(actual[index]! - value) < 1e-5, `${label}[${index}]: ${actual[index]} ≠ ${value}`));
}

test('loads the tiny model: id, dimensions from the output shape, MiniLM default of 256 tokens', async (context) => {
  const embedder = await open(context, tinyFolder(context));
  assert.equal(embedder.id, 'onnx:all-MiniLM-L6-v2');
  assert.equal(embedder.dimensions, hiddenSize);
  assert.equal(embedder.maxTokens, 256);
  assert.deepEqual(await embedder.embed([]), []);
});

test('vectors are the masked mean of the token vectors at unit length, as a TypeScript reference computes them', async (context) => {
  const folder = tinyFolder(context);
  const embedder = await open(context, folder);
  for (const text of sentences) {
    const [vector] = await embedder.embed([text]);
    assertClose(vector, expectedVector(folder, text, { tokenTypes: true }), text);
    assert.ok(Math.abs(Math.hypot(...vector!) - 1) < 1e-6);
  }
});

test('a batch of different lengths gives each text the vector it has alone, in input order', async (context) => {
  const folder = tinyFolder(context);
  const embedder = await open(context, folder, { batchSize: 3 });
  const texts = [...sentences, 'fox', ...sentences.slice().reverse()];
  const vectors = await embedder.embed(texts);
  assert.equal(vectors.length, texts.length);
  texts.forEach((text, index) => assertClose(vectors[index], expectedVector(folder, text, { tokenTypes: true }), `#${index} ${text}`));
  const alone = await Promise.all(texts.map(async (text) => (await embedder.embed([text]))[0]!));
  alone.forEach((vector, index) => assertClose(vectors[index], Array.from(vector), `#${index} batched vs alone`));
});

test('a model without token_type_ids is fed only the inputs it declares', async (context) => {
  const folder = tinyFolder(context, { tokenTypes: false });
  const embedder = await open(context, folder, { batchSize: 2 });
  const vectors = await embedder.embed(sentences);
  sentences.forEach((text, index) => assertClose(vectors[index], expectedVector(folder, text, { tokenTypes: false }), text));
});

test('onnx/model.onnx with only vocab.txt, and an output not named last_hidden_state, both load', async (context) => {
  const folder = tinyFolder(context, { inOnnxSubfolder: true, tokenizer: 'vocab.txt', outputName: 'token_embeddings' });
  const embedder = await open(context, folder);
  assert.equal(embedder.dimensions, hiddenSize);
  assertClose((await embedder.embed(['hello world']))[0], expectedVector(folder, 'hello world', { tokenTypes: true }), 'hello world');
});

test('nomic gets search_document: by default and search_query: for queries; MiniLM gets no prefix', async (context) => {
  const folder = tinyFolder(context);
  const nomic = await open(context, folder, { model: 'nomic-embed-text-v1.5' });
  const plain = await open(context, folder);
  assert.equal(nomic.id, 'onnx:nomic-embed-text-v1.5');
  assert.equal(nomic.maxTokens, 512);
  const [asQuery] = await nomic.embed(['the lazy dog'], { purpose: 'query' });
  const [asDocument] = await nomic.embed(['the lazy dog'], { purpose: 'document' });
  const [byDefault] = await nomic.embed(['the lazy dog']);
  const [expectedQuery, expectedDocument] = await plain.embed(['search_query: the lazy dog', 'search_document: the lazy dog']);
  assertClose(asQuery, Array.from(expectedQuery!), 'query');
  assertClose(asDocument, Array.from(expectedDocument!), 'document');
  assertClose(byDefault, Array.from(expectedDocument!), 'default');
  const [plainQuery] = await plain.embed(['the lazy dog'], { purpose: 'query' });
  assertClose(plainQuery, expectedVector(folder, 'the lazy dog', { tokenTypes: true }), 'MiniLM query');
});

test('maxTokens truncates long texts and is capped at what the model allows', async (context) => {
  const folder = tinyFolder(context);
  const short = await open(context, folder, { maxTokens: 4 });
  assert.equal(short.maxTokens, 4);
  const [truncated] = await short.embed(['the quick brown fox jumps']);
  assertClose(truncated, expectedVector(folder, 'the quick', { tokenTypes: true }), 'truncated');
  const nomic = await open(context, folder, { model: 'nomic-embed-text-v1.5', maxTokens: 100_000 });
  assert.equal(nomic.maxTokens, 8192);
  await assert.rejects(createOnnxEmbedder({ modelFolder: folder, model: 'all-MiniLM-L6-v2', batchSize: 0 }), ConfigError);
});

test('an abort stops the work between batches', async (context) => {
  const embedder = await open(context, tinyFolder(context), { batchSize: 1 });
  await assert.rejects(embedder.embed(['hello'], { signal: AbortSignal.abort() }), { name: 'AbortError' });
  const controller = new AbortController();
  // The first batch is already running when the abort comes; the second never starts.
  const pending = embedder.embed(sentences, { signal: controller.signal });
  controller.abort();
  await assert.rejects(pending, { name: 'AbortError' });
  assert.equal((await embedder.embed(['hello'])).length, 1, 'the embedder still works after an abort');
});

test('close releases the session once; embedding afterwards is refused', async (context) => {
  const folder = tinyFolder(context);
  const embedder = await createOnnxEmbedder({ modelFolder: folder, model: 'all-MiniLM-L6-v2' });
  await embedder.close();
  await embedder.close();
  await assert.rejects(embedder.embed(['hello']), /closed/);
  {
    await using disposable = await createOnnxEmbedder({ modelFolder: folder, model: 'all-MiniLM-L6-v2' });
    assert.equal((await disposable.embed(['hello'])).length, 1);
  }
});
