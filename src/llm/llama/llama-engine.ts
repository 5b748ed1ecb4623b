/**
 * The llama engine: a GGUF model run in-process by node-llama-cpp (llama.cpp), with the
 * persona's LoRA adapters applied per turn.
 *
 * The model is loaded once. LoRA in llama.cpp is a property of a context, so each adapter
 * (and the base model) gets its own context with one sequence and one LlamaChat, created on
 * first use and kept in a small LRU: switching adapters never reloads the model, and a
 * return to a recent adapter reuses its context and the KV cache of the prompt prefix it
 * already evaluated. Each turn passes the whole conversation; LlamaChat evaluates only the
 * part the sequence has not seen yet.
 *
 * Before llama.cpp sees a file, its GGUF structure is checked in JavaScript: llama.cpp can
 * abort the whole process on a malformed file.
 */
import os from 'node:os';
import path from 'node:path';
import { type ChatWrapper, InsufficientMemoryError, LlamaChat, type LlamaContext, LlamaLogLevel, type LlamaModel } from 'node-llama-cpp';
import { ConfigError, PersonaError, describeError } from '../../errors.js';
import type { AdapterChoice, GenerateRequest, LlmEngine, LlmEngineCapabilities, TextDelta } from '../llm-engine.js';
import { chooseChatWrapper } from './choose-chat-wrapper.js';
import { checkAdapterFits } from './check-adapter-fits.js';
import { inspectGgufFile } from './gguf-inspector.js';
import { createLeasedLru } from './leased-lru.js';
import { ModelFileInvalidError } from './model-file-errors.js';
import { getSharedLlama, listenToLlamaLog } from './shared-llama.js';
import { type ScoreTextInput, type TextScore, scoreText } from './score-text.js';
import { createTextChunkQueue } from './text-chunk-queue.js';
import { toChatHistory } from './to-chat-history.js';

export interface LlamaEngineOptions {
  /** The GGUF model file. */
  modelPath: string;
  /** 'auto' uses CUDA (or Vulkan, Metal) when the machine has it, else the CPU. Default 'auto'. */
  gpu?: 'auto' | false;
  /** Tokens per context. Default: the model's training context, at most 4096. */
  contextSize?: number;
  /**
   * Contexts kept alive at once, the base model counting as one; each holds a KV cache of
   * `contextSize` tokens. 1 to 8, default 3.
   */
  maxContextsPerModel?: number;
  /**
   * llama.cpp threads. Default: the machine's parallelism less one, at least 1. llama.cpp's
   * threads spin at their barriers, so one that shares a core with Node's main thread (or
   * other work) stalls every token: on a busy 2-core machine, 2 threads were 3× slower than
   * 1 on a 42M-parameter model and ~50× slower on the tiny test model (node-llama-cpp's own
   * CPU default of at least 4 is far worse). Node's thread also has audio to move.
   */
  threads?: number;
  /** The model's name in models/manifest.json, so errors can say `persona models pull NAME`. */
  modelName?: string;
  log?: (line: string) => void;
}

export type LlamaBackend = 'cuda' | 'vulkan' | 'metal' | 'cpu';

/** Counters for tests and the bench: what the engine has done so far. */
export interface LlamaEngineStats {
  /** Times the model file was loaded: 1 for the engine's whole life. */
  modelLoads: number;
  contextsCreated: number;
  contextsDisposed: number;
  /** Contexts alive now, the base model's included. */
  liveContexts: number;
  /** Tokens generated over all turns (for tokens/s, and to see that an abort stopped llama.cpp). */
  outputTokens: number;
}

export interface LlamaEngine extends LlmEngine, AsyncDisposable {
  readonly id: 'llama';
  readonly modelPath: string;
  readonly backend: LlamaBackend;
  /** The chat format prompts are written in (node-llama-cpp's wrapper name). */
  readonly chatFormat: string;
  /**
   * Who answered the turn that most recently started: the adapter's id, null for the base
   * model, undefined before the first turn.
   */
  readonly lastAdapterId: string | null | undefined;
  /** Ids of the adapters whose contexts are alive, least recently used first (the base model is not listed). */
  loadedAdapters(): string[];
  stats(): LlamaEngineStats;
  /**
   * The log-probability and perplexity of a given reply to the messages, under the base model
   * or an adapter (style evaluation). Uses that adapter's context, whose cached prompt it
   * replaces; undefined when the signal aborted first.
   */
  scoreText(request: ScoreTextInput & { adapter?: AdapterChoice }): Promise<TextScore | undefined>;
}

const capabilities: LlmEngineCapabilities = { adapters: true, streaming: true, generative: true };
const defaultMaximumContextSize = 4096;
const baseModelKey = '';

interface ContextSlot {
  adapterId: string | null;
  context: LlamaContext;
  chat: LlamaChat;
}

interface ResolvedAdapter {
  id: string;
  filePath: string;
  scale: number;
}

function checkOptions(options: LlamaEngineOptions): { maxContexts: number; threads: number } {
  const maxContexts = options.maxContextsPerModel ?? 3;
  if (!Number.isInteger(maxContexts) || maxContexts < 1 || maxContexts > 8) {
    throw new ConfigError(`llama engine: maxContextsPerModel must be an integer from 1 to 8, got ${maxContexts}`);
  }
  const threads = options.threads ?? Math.max(1, os.availableParallelism() - 1);
  if (!Number.isInteger(threads) || threads < 1) throw new ConfigError(`llama engine: threads must be a positive integer, got ${threads}`);
  if (options.contextSize !== undefined && (!Number.isInteger(options.contextSize) || options.contextSize < 16)) {
    throw new ConfigError(`llama engine: contextSize must be an integer of at least 16, got ${options.contextSize}`);
  }
  return { maxContexts, threads };
}

function resolveAdapter(choice: AdapterChoice | undefined): ResolvedAdapter | undefined {
  if (choice === undefined) return undefined;
  if (choice.filePath === undefined || choice.filePath === '') {
    throw new ConfigError(`LoRA adapter '${choice.id}' has no filePath: the llama engine applies adapters from their GGUF files`);
  }
  const scale = choice.scale ?? 1;
  if (!Number.isFinite(scale)) throw new ConfigError(`LoRA adapter '${choice.id}': scale must be a finite number, got ${scale}`);
  return { id: choice.id, filePath: path.resolve(choice.filePath), scale };
}

export async function createLlamaEngine(options: LlamaEngineOptions): Promise<LlamaEngine> {
  const { maxContexts, threads } = checkOptions(options);
  const modelPath = path.resolve(options.modelPath);
  const requestedGpu = options.gpu ?? 'auto';
  const log = options.log ?? ((): void => {});

  const named = options.modelName === undefined ? {} : { modelName: options.modelName };
  const summary = await inspectGgufFile(modelPath, { kind: 'model', ...named });
  if (summary.strings.get('general.type') === 'adapter') {
    throw new ModelFileInvalidError('model', modelPath, 'it is a LoRA adapter, not a model', named);
  }

  // llama.cpp explains a failed load only in its log ("missing tensor 'output_norm.weight'"):
  // that line goes into the error.
  let loadErrors: string[] | undefined = [];
  const stopListening = listenToLlamaLog((level, message) => {
    if (level === LlamaLogLevel.error || level === LlamaLogLevel.fatal) loadErrors?.push(message);
    log(`llama.cpp ${level}: ${message}`);
  });
  let model: LlamaModel;
  const stats = { modelLoads: 0, contextsCreated: 0, contextsDisposed: 0, outputTokens: 0 };
  let backend: LlamaBackend;
  try {
    const llama = await getSharedLlama({ gpu: requestedGpu, threads });
    backend = llama.gpu === false ? 'cpu' : llama.gpu;
    const started = performance.now();
    try {
      model = await llama.loadModel({ modelPath });
    } catch (error) {
      if (error instanceof InsufficientMemoryError) {
        throw new PersonaError('service-unavailable', `llama engine: not enough memory to load ${modelPath}: ${error.message}`, { cause: error });
      }
      const detail = (loadErrors ?? []).map((line) => /error loading model: (.*)/.exec(line)?.[1]).find((found) => found !== undefined);
      const reason = detail ?? loadErrors?.[0] ?? describeError(error);
      throw new ModelFileInvalidError('model', modelPath, `llama.cpp could not load it: ${reason}`, { cause: error, ...named });
    }
    loadErrors = undefined;
    stats.modelLoads += 1;
    log(
      `llama: backend ${backend} (gpu: ${String(requestedGpu)}), ${threads} threads; loaded ${modelPath} ` +
        `in ${Math.round(performance.now() - started)} ms, ${model.gpuLayers} layers on the GPU`,
    );
  } catch (error) {
    stopListening();
    throw error;
  }

  const chatWrapper: ChatWrapper = chooseChatWrapper(model, summary, modelPath);
  const contextSize = options.contextSize ?? Math.min(model.trainContextSize, defaultMaximumContextSize);
  log(`llama: chat format ${chatWrapper.wrapperName}, context ${contextSize} tokens, up to ${maxContexts} contexts`);

  const contexts = createLeasedLru<ContextSlot>({
    capacity: maxContexts,
    async dispose(slot) {
      slot.chat.dispose();
      await slot.context.dispose();
      stats.contextsDisposed += 1;
    },
  });

  async function createSlot(adapter: ResolvedAdapter | undefined): Promise<ContextSlot> {
    const started = performance.now();
    if (adapter !== undefined) {
      const adapterSummary = await inspectGgufFile(adapter.filePath, { kind: 'adapter', adapterId: adapter.id });
      checkAdapterFits(adapter.filePath, adapterSummary, modelPath, summary);
    }
    let context: LlamaContext;
    try {
      context = await model.createContext({
        contextSize,
        sequences: 1,
        ...(adapter === undefined ? {} : { lora: { adapters: [{ filePath: adapter.filePath, scale: adapter.scale }] } }),
      });
    } catch (error) {
      if (adapter !== undefined) throw new ModelFileInvalidError('adapter', adapter.filePath, describeError(error), { cause: error });
      throw new PersonaError('service-unavailable', `llama engine: cannot create a context for ${modelPath}: ${describeError(error)}`, {
        cause: error,
        retryable: true,
      });
    }
    stats.contextsCreated += 1;
    log(`llama: context for ${adapter === undefined ? 'the base model' : `adapter '${adapter.id}'`} created in ${Math.round(performance.now() - started)} ms`);
    const chat = new LlamaChat({ contextSequence: context.getSequence(), chatWrapper });
    return { adapterId: adapter?.id ?? null, context, chat };
  }

  /** Context key → the adapter id that last asked for it, for `loadedAdapters()`. */
  const adapterIds = new Map<string, string>();
  let closing = false;
  const turns = new Set<AbortController>();
  const running = new Set<Promise<void>>();
  let lastAdapterId: string | null | undefined;
  let closed: Promise<void> | undefined;

  async function* generate(request: GenerateRequest): AsyncGenerator<TextDelta> {
    if (closing) throw new PersonaError('service-unavailable', `llama engine for ${modelPath} is closed`);
    const adapter = resolveAdapter(request.adapter);
    // node-llama-cpp reads 0 as "no limit"; here it means nothing to say.
    if (request.maxTokens !== undefined && request.maxTokens < 1) return;
    if (request.signal?.aborted) return;
    // One signal per turn, aborted by the caller's signal, by close(), and when the caller
    // stops reading early, so llama.cpp stops too. (AbortSignal.any over the engine-long
    // close signal measurably slowed every turn on Node 20.)
    const turn = new AbortController();
    const signal = turn.signal;
    const onCallerAbort = (): void => turn.abort(request.signal?.reason);
    request.signal?.addEventListener('abort', onCallerAbort, { once: true });
    turns.add(turn);
    try {
      // Keyed by file and scale, not id: the same id may be re-registered with a new file.
      const key = adapter === undefined ? baseModelKey : `${adapter.filePath}\u0000${adapter.scale}`;
      if (adapter !== undefined) adapterIds.set(key, adapter.id);
      const lease = await contexts.acquire(key, () => createSlot(adapter), signal);
      if (lease === undefined) return;
      lastAdapterId = lease.value.adapterId;
      const queue = createTextChunkQueue();
      const run = lease.value.chat
        .generateResponse(toChatHistory(request.messages, chatWrapper), {
          onTextChunk: (text) => {
            if (text !== '') queue.push(text);
          },
          onToken: (tokens) => {
            stats.outputTokens += tokens.length;
          },
          signal,
          stopOnAbortSignal: true,
          // A model that never emits end-of-turn would otherwise write forever, shifting its context.
          maxTokens: request.maxTokens ?? contextSize,
          ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
          ...(request.seed === undefined ? {} : { seed: request.seed }),
        })
        .then(
          () => queue.end(),
          (error: unknown) => {
            // node-llama-cpp throws when the abort lands before the first token: still an
            // abort, not a failure, and the turn's reader has stopped listening anyway.
            if (signal.aborted) queue.end();
            else queue.fail(new PersonaError('service-unavailable', `llama engine (${modelPath}): generation failed: ${describeError(error)}`, { cause: error }));
          },
        )
        .finally(() => lease.release());
      running.add(run);
      void run.finally(() => running.delete(run));
      for await (const text of queue.iterate(signal)) yield { type: 'text-delta', text };
    } finally {
      turn.abort();
      turns.delete(turn);
      request.signal?.removeEventListener('abort', onCallerAbort);
    }
  }

  async function score(request: ScoreTextInput & { adapter?: AdapterChoice }): Promise<TextScore | undefined> {
    if (closing) throw new PersonaError('service-unavailable', `llama engine for ${modelPath} is closed`);
    const adapter = resolveAdapter(request.adapter);
    if (request.signal?.aborted) return undefined;
    const key = adapter === undefined ? baseModelKey : `${adapter.filePath}\u0000${adapter.scale}`;
    if (adapter !== undefined) adapterIds.set(key, adapter.id);
    const lease = await contexts.acquire(key, () => createSlot(adapter), request.signal);
    if (lease === undefined) return undefined;
    try {
      return await scoreText(lease.value.chat.sequence, model, chatWrapper, request);
    } finally {
      lease.release();
    }
  }

  async function close(): Promise<void> {
    closed ??= (async () => {
      closing = true;
      for (const turn of turns) turn.abort();
      await Promise.allSettled([...running]);
      await contexts.clear();
      await model.dispose();
      stopListening();
    })();
    return closed;
  }

  return {
    id: 'llama',
    capabilities: { ...capabilities, contextTokens: contextSize },
    countTokens: (text: string) => model.tokenize(text).length,
    modelPath,
    backend,
    chatFormat: chatWrapper.wrapperName,
    get lastAdapterId() {
      return lastAdapterId;
    },
    generate,
    loadedAdapters() {
      return contexts.keys().flatMap((key) => {
        if (key === baseModelKey) return [];
        const id = adapterIds.get(key);
        return id === undefined ? [] : [id];
      });
    },
    stats() {
      return { ...stats, liveContexts: contexts.size };
    },
    scoreText: score,
    close,
    [Symbol.asyncDispose]: close,
  };
}
