/**
 * Writes the tiny llama GGUF model and two LoRA adapters for it, the files the llama
 * engine's tests and bench generate for themselves, for trying the engine by hand
 * without downloading a model. Deterministic: the same seed writes the same bytes.
 *
 *   node --import tsx scripts/make-tiny-model.ts DIR [--seed N]   (or: npm run make:tiny-model -- DIR)
 *
 * writes DIR/tiny-llama.gguf, DIR/tiny-lora-a.gguf and DIR/tiny-lora-b.gguf.
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { writeTinyModelFiles } from '../src/llm/llama/tiny-llama-model.js';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { seed: { type: 'string' } } });
const folder = positionals[0];
const seed = Number(values.seed ?? 1);
if (folder === undefined || positionals.length > 1 || !Number.isInteger(seed)) {
  process.stderr.write('usage: node --import tsx scripts/make-tiny-model.ts DIR [--seed N]\n');
  process.exit(2);
}

const files = writeTinyModelFiles(path.resolve(folder), seed);
for (const file of [files.modelPath, files.adapterAPath, files.adapterBPath]) {
  console.log(`wrote ${path.relative(process.cwd(), file)} (${Math.round(statSync(file).size / 1024)} KiB)`);
}
