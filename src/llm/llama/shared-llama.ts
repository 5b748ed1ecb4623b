/**
 * One node-llama-cpp `Llama` (the loaded llama.cpp binding and its backend) per process
 * and setting, shared by every llama engine. The binding is a process-wide native module:
 * disposing one `Llama` tears down the backend under any other, and finding the backend
 * (`gpu: 'auto'` tries the CUDA and Vulkan binaries before the CPU one) takes ~0.5 s, so
 * engines load and dispose models, never the `Llama` itself; node-llama-cpp disposes it
 * before the process exits.
 */
import { getLlama, type Llama, LlamaLogLevel } from 'node-llama-cpp';

export interface SharedLlamaOptions {
  gpu: 'auto' | false;
  /**
   * llama.cpp's thread limit. node-llama-cpp's CPU default is at least 4, which on a
   * 2-core machine makes generation hundreds of times slower: the caller passes the
   * machine's parallelism.
   */
  threads: number;
}

type LogListener = (level: LlamaLogLevel, message: string) => void;

const instances = new Map<string, Promise<Llama>>();
const listeners = new Set<LogListener>();

function forward(level: LlamaLogLevel, message: string): void {
  const text = message.trimEnd();
  if (text === '') return;
  for (const listener of listeners) listener(level, text);
}

export function getSharedLlama(options: SharedLlamaOptions): Promise<Llama> {
  const key = `${options.gpu}:${options.threads}`;
  let instance = instances.get(key);
  if (instance === undefined) {
    instance = getLlama({
      gpu: options.gpu,
      // Never compile llama.cpp at run time: the prebuilt binaries ship in npm packages,
      // and a build would need the network and minutes of CPU.
      build: 'never',
      maxThreads: options.threads,
      logLevel: LlamaLogLevel.warn,
      logger: forward,
      progressLogs: false,
    });
    instances.set(key, instance);
    instance.catch(() => instances.delete(key));
  }
  return instance;
}

/** Routes llama.cpp's (and node-llama-cpp's) warnings and errors to `listener` until the returned function is called. */
export function listenToLlamaLog(listener: LogListener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
