/**
 * The ONNX engine's own cost: WordPiece tokenisation, batching, onnxruntime calls and
 * pooling, measured on the tiny BERT the tests build (hidden size 8). The real
 * all-MiniLM-L6-v2 adds its transformer layers on top; its files cannot be downloaded
 * here (`persona models pull` on a connected machine), so this is a lower bound on cost
 * and an upper bound on throughput. Run: node --import tsx bench/embedding-onnx.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createOnnxEmbedder } from '../src/rag/onnx/onnx-embedder.js';
import { writeTinyBertFolder } from '../tests/rag/onnx/make-tiny-bert.js';
import { syntheticPassage } from './synthetic-mail.js';

const folder = mkdtempSync(path.join(os.tmpdir(), 'persona-onnx-bench-'));
try {
  writeTinyBertFolder(folder);
  const embedder = await createOnnxEmbedder({ modelFolder: folder, model: 'tiny-bert' });
  const passages = Array.from({ length: 2000 }, (_, index) => syntheticPassage(index));
  const rates: number[] = [];
  for (let round = 0; round < 3; round += 1) {
    const started = performance.now();
    await embedder.embed(passages);
    rates.push(passages.length / ((performance.now() - started) / 1000));
  }
  await embedder.close();
  rates.sort((left, right) => left - right);
  console.log(`ONNX engine on the tiny test BERT (tokenise + run + pool), 2,000 passages of 40–200 words, median of 3: ${Math.round(rates[1]!)} chunks/s`);
} finally {
  rmSync(folder, { recursive: true, force: true });
}
