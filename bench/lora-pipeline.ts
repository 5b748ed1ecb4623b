/**
 * The LoRA pipeline on a tiny Llama 3 (real architecture and tokenizer, random weights), end to
 * end on this machine's CPU: tiny model → GGUF → LoRA trained on the sample persona's export →
 * `persona adapters import` → compared with transformers + peft. Prints one line:
 *   lora pipeline: chat tokens identical <yes|no>; logits max |diff| base <a> adapter <b>; perplexity base <x> adapter <y>
 * The "logits" differences are of the next-token log-softmax over the whole vocabulary (llama.cpp
 * hands out probabilities, not raw logits), the largest over the checked conversations; the
 * perplexities are of her training replies (`persona eval style --split train`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildLoraPipeline, compareWithTransformers, trainingPerplexity } from '../tests/helpers/lora-pipeline.js';

const folder = mkdtempSync(path.join(os.tmpdir(), 'persona-bench-lora-'));
try {
  const pipeline = await buildLoraPipeline(folder, (line) => process.stdout.write(`  ${line}\n`));
  const base = await compareWithTransformers(pipeline, { adapter: false });
  const adapted = await compareWithTransformers(pipeline, { adapter: true });
  const perplexity = trainingPerplexity(pipeline, 8);
  const identical = [...base.tokensIdentical, ...adapted.tokensIdentical].every(Boolean);
  const largest = (values: number[]): string => Math.max(...values).toExponential(2);
  process.stdout.write(
    `lora pipeline: chat tokens identical ${identical ? 'yes' : 'no'}; logits max |diff| base ${largest(base.maxAbsoluteDifference)} adapter ${largest(adapted.maxAbsoluteDifference)}; perplexity base ${perplexity.base.toFixed(0)} adapter ${perplexity.adapter.toFixed(0)}\n`,
  );
  process.stdout.write(`  (${perplexity.examples} training replies; tiny model: 16.5M parameters, vocabulary 128,256; CPU, float32)\n`);
} finally {
  rmSync(folder, { recursive: true, force: true });
}
