/**
 * The llama engine's own cost, and the cost of switching LoRA adapters.
 *
 * 1. Tokens/s and time to first token through the engine versus node-llama-cpp called
 *    directly (LlamaChat on its own context, same Llama instance, same chat format and
 *    sampling), on the tiny test model (~0.1M parameters, where per-token overhead is
 *    everything) and a larger synthetic one (~13M, where compute starts to count). Runs
 *    alternate between the two paths; medians. Target: engine/direct ≥ 0.95.
 * 2. Adapter switches: first use of an adapter (context creation + LoRA load + prompt),
 *    a return to an adapter whose context is alive, and a switch when the cache holds one
 *    context (each switch recreates it).
 *
 * No real model can be downloaded here, so these are the engine's overheads, not Llama 3
 * 8B's speed. Run: node --import tsx bench/llm-llama.ts [--runs N] [--threads N]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { GeneralChatWrapper, LlamaChat } from 'node-llama-cpp';
import type { AdapterChoice, ChatMessage } from '../src/llm/llm-engine.js';
import { createLlamaEngine, type LlamaEngine } from '../src/llm/llama/llama-engine.js';
import { getSharedLlama } from '../src/llm/llama/shared-llama.js';
import { type LlamaShape, tinyLlamaShape, writeTinyModelFiles } from '../src/llm/llama/tiny-llama-model.js';
import { toChatHistory } from '../src/llm/llama/to-chat-history.js';

const { values } = parseArgs({ options: { runs: { type: 'string' }, threads: { type: 'string' } } });
const runs = Number(values.runs ?? 9);
const threads = Number(values.threads ?? Math.max(1, os.availableParallelism() - 1));
const maxTokens = 128;

interface Sample {
  firstTokenMs: number;
  tokensPerSecond: number;
}

function median(numbers: number[]): number {
  const sorted = [...numbers].sort((left, right) => left - right);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function conversation(run: number): ChatMessage[] {
  return [
    { role: 'system', content: 'You are Meera Krishnan. Answer as she would, briefly.' },
    { role: 'user', content: `Question ${run}: what do you drink in the morning, and why?` },
  ];
}

/** Decode speed: tokens after the first over the time after the first. */
function sample(started: number, first: number, last: number, tokens: number): Sample {
  return { firstTokenMs: first - started, tokensPerSecond: ((tokens - 1) * 1000) / (last - first) };
}

async function throughEngine(engine: LlamaEngine, messages: ChatMessage[], adapter?: AdapterChoice): Promise<Sample> {
  const tokensBefore = engine.stats().outputTokens;
  const started = performance.now();
  let first = 0;
  let last = 0;
  for await (const _delta of engine.generate({ messages, maxTokens, temperature: 0, ...(adapter === undefined ? {} : { adapter }) })) {
    last = performance.now();
    if (first === 0) first = last;
  }
  return sample(started, first, last, engine.stats().outputTokens - tokensBefore);
}

async function directly(chat: LlamaChat, messages: ChatMessage[]): Promise<Sample> {
  let tokens = 0;
  const started = performance.now();
  let first = 0;
  let last = 0;
  await chat.generateResponse(toChatHistory(messages), {
    maxTokens,
    temperature: 0,
    onToken: (generated) => {
      tokens += generated.length;
    },
    onTextChunk: () => {
      last = performance.now();
      if (first === 0) first = last;
    },
  });
  return sample(started, first, last, tokens);
}

async function compare(label: string, shape: LlamaShape, folder: string): Promise<void> {
  const files = writeTinyModelFiles(path.join(folder, label), 1, shape);
  const engine = await createLlamaEngine({ modelPath: files.modelPath, gpu: false, threads });
  const llama = await getSharedLlama({ gpu: false, threads });
  const model = await llama.loadModel({ modelPath: files.modelPath });
  const context = await model.createContext({ contextSize: Math.min(model.trainContextSize, 4096), sequences: 1 });
  const chat = new LlamaChat({ contextSequence: context.getSequence(), chatWrapper: new GeneralChatWrapper() });
  try {
    // Warm both paths (context creation, first evaluation) before timing.
    await throughEngine(engine, conversation(-1));
    await directly(chat, conversation(-1));
    const engineSamples: Sample[] = [];
    const directSamples: Sample[] = [];
    for (let run = 0; run < runs; run += 1) {
      // Alternate which path goes first, so neither always runs on a warmer machine.
      if (run % 2 === 0) {
        directSamples.push(await directly(chat, conversation(run)));
        engineSamples.push(await throughEngine(engine, conversation(run)));
      } else {
        engineSamples.push(await throughEngine(engine, conversation(run)));
        directSamples.push(await directly(chat, conversation(run)));
      }
    }
    const engineRate = median(engineSamples.map((entry) => entry.tokensPerSecond));
    const directRate = median(directSamples.map((entry) => entry.tokensPerSecond));
    const engineFirst = median(engineSamples.map((entry) => entry.firstTokenMs));
    const directFirst = median(directSamples.map((entry) => entry.firstTokenMs));
    // Each run's two samples ran back to back, under the same background load: the median
    // of their ratios is steadier than the ratio of the medians on a shared machine.
    const rateRatio = median(engineSamples.map((entry, index) => entry.tokensPerSecond / directSamples[index]!.tokensPerSecond));
    const firstRatio = median(engineSamples.map((entry, index) => directSamples[index]!.firstTokenMs / entry.firstTokenMs));
    console.log(
      `${label}: tokens/s engine ${engineRate.toFixed(0)} vs direct ${directRate.toFixed(0)} (engine/direct ${rateRatio.toFixed(3)}); ` +
        `time to first token engine ${engineFirst.toFixed(2)} ms vs direct ${directFirst.toFixed(2)} ms (direct/engine ${firstRatio.toFixed(3)}); target ≥ 0.95`,
    );
  } finally {
    chat.dispose();
    await context.dispose();
    await model.dispose();
    await engine.close();
  }
}

async function adapterSwitches(folder: string): Promise<void> {
  const files = writeTinyModelFiles(path.join(folder, 'switch'), 3);
  const adapters: AdapterChoice[] = [
    { id: 'a', filePath: files.adapterAPath },
    { id: 'b', filePath: files.adapterBPath },
  ];
  const messages = conversation(0);
  const firstToken = async (engine: LlamaEngine, adapter?: AdapterChoice): Promise<number> => (await throughEngine(engine, messages, adapter)).firstTokenMs;

  const engine = await createLlamaEngine({ modelPath: files.modelPath, gpu: false, threads, maxContextsPerModel: 3 });
  try {
    const baseFirst = await firstToken(engine);
    const firstUse = [await firstToken(engine, adapters[0]), await firstToken(engine, adapters[1])];
    const returns: number[] = [];
    const steady: number[] = [];
    for (let round = 0; round < runs; round += 1) {
      for (const adapter of [adapters[0], undefined, adapters[1]]) returns.push(await firstToken(engine, adapter));
      steady.push(await firstToken(engine, adapters[1])); // same adapter again: no switch
    }
    console.log(
      `adapter switch (tiny model, time to first token): first turn on the base model ${baseFirst.toFixed(1)} ms; ` +
        `first use of an adapter (context + LoRA load + prompt) ${firstUse.map((value) => value.toFixed(1)).join(' / ')} ms; ` +
        `switch to an adapter whose context is alive ${median(returns).toFixed(2)} ms (median), same adapter again ${median(steady).toFixed(2)} ms; ` +
        `model loads ${engine.stats().modelLoads}, contexts created ${engine.stats().contextsCreated}`,
    );
  } finally {
    await engine.close();
  }

  const single = await createLlamaEngine({ modelPath: files.modelPath, gpu: false, threads, maxContextsPerModel: 1 });
  try {
    await firstToken(single);
    await firstToken(single, adapters[0]); // the adapter file is read once per model, then cached by node-llama-cpp
    const recreated: number[] = [];
    for (let round = 0; round < runs; round += 1) {
      for (const adapter of [adapters[0], undefined]) recreated.push(await firstToken(single, adapter));
    }
    console.log(
      `adapter switch with maxContextsPerModel 1 (every switch recreates the context and re-evaluates the prompt): ` +
        `${median(recreated).toFixed(2)} ms to first token (median); contexts created ${single.stats().contextsCreated}, model loads ${single.stats().modelLoads}`,
    );
  } finally {
    await single.close();
  }
}

const folder = mkdtempSync(path.join(os.tmpdir(), 'persona-llama-bench-'));
try {
  console.log(`llama engine bench: CPU, ${threads} llama.cpp thread(s) of ${os.availableParallelism()} cores, ${maxTokens} tokens per turn, median of ${runs}`);
  await compare('tiny model (0.1M parameters)', tinyLlamaShape, folder);
  await compare('larger synthetic model (13M parameters)', { embedding: 512, blocks: 4, heads: 8, feedForward: 1408, context: 1024 }, folder);
  await adapterSwitches(folder);
} finally {
  rmSync(folder, { recursive: true, force: true });
}
