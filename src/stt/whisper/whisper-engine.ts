/**
 * The full-quality STT engine: whisper.cpp through `@fugood/whisper.node`. Whisper reads a
 * whole window of audio at once, so an utterance is buffered as it streams in and
 * transcribed when it ends; segments that whisper.cpp reports while it works (one per
 * 30 s window or so on long audio) come out as partials. The bias goes in as the initial
 * prompt (see whisper-prompt.ts).
 *
 * Things the binding does that this file works around:
 * - A whisper.cpp failure inside a run (a C++ exception) never settles the job's promise,
 *   so every run has a deadline and fails with a clear error when it passes.
 * - `stop()` only marks the job; a run in progress finishes its window first. An abort
 *   therefore ends the stream at once and lets the run finish (and be dropped) behind it.
 * - Loading is synchronous native work in the constructor: a large model blocks the
 *   event loop while it loads, so load once at start, not per session.
 */
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { describeError } from '../../errors.js';
import { SttError, sttSampleRate, type SttEngine, type TranscribeOptions, type TranscriptEvent, type TranscriptSegment } from '../stt-engine.js';
import { checkWhisperModelFile, pullHint, type WhisperModelHeader } from './whisper-model-file.js';
import {
  captureNativeLog,
  loadWhisperBinding,
  nativeLogErrors,
  nativeLogMark,
  releaseNativeLog,
  type NativeSegment,
  type NativeTranscribeResult,
  type NativeWhisperContext,
  type WhisperBinding,
  type WhisperGpu,
  type WhisperVariant,
} from './whisper-native.js';
import { buildWhisperPrompt } from './whisper-prompt.js';

export interface WhisperEngineOptions {
  /** A ggml `.bin` model file (see whisper-model-file.ts to resolve a setting to one). */
  modelPath: string;
  /** The manifest name, so a missing or broken file names `persona models pull NAME`. */
  modelName?: string;
  /** auto (default): the CUDA or Vulkan build on a GPU when it loads, else the CPU. */
  gpu?: WhisperGpu;
  /** CPU threads per run; default all cores (whisper.cpp's own default caps at 4). */
  threads?: number;
  /** ISO 639-1; default 'en'. A request's `language` wins. */
  language?: string;
  /**
   * Longest a run may take before it is given up: base + perAudioSecond × seconds. The
   * default (60 s + 10 s per audio second) is far above CPU speed for base.en on 2 cores.
   */
  deadline?: { baseMs: number; perAudioSecondMs: number };
}

export interface WhisperEngine extends SttEngine {
  readonly id: 'whisper';
  /** The native build in use: cuda, vulkan or cpu. */
  readonly variant: WhisperVariant;
  readonly model: { path: string; header: WhisperModelHeader };
  [Symbol.asyncDispose](): Promise<void>;
}

const defaultDeadline = { baseMs: 60_000, perAudioSecondMs: 10_000 };

/** Loads the model; the engine holds it until `close()`. */
export async function createWhisperEngine(options: WhisperEngineOptions): Promise<WhisperEngine> {
  const header = await checkWhisperModelFile(options.modelPath, options.modelName);
  const gpu = options.gpu ?? 'auto';
  let binding: WhisperBinding;
  try {
    binding = loadWhisperBinding(gpu);
  } catch (error) {
    throw new SttError('service-unavailable', `whisper.cpp (@fugood/whisper.node) cannot load on ${process.platform}-${process.arch}: ${describeError(error)}`, { cause: error });
  }
  const context = await loadContext(binding, options.modelPath, options.modelName, gpu !== 'off');
  return createEngine(binding, context, options, header);
}

async function loadContext(binding: WhisperBinding, modelPath: string, modelName: string | undefined, useGpu: boolean): Promise<NativeWhisperContext> {
  captureNativeLog(binding);
  const mark = nativeLogMark(binding);
  try {
    return new binding.WhisperContext({ filePath: modelPath, useGpu });
  } catch (first) {
    if (useGpu) {
      // A GPU build on a machine whose GPU cannot take the model: the CPU still can.
      try {
        return new binding.WhisperContext({ filePath: modelPath, useGpu: false });
      } catch {
        // Reported below with the first failure's reasons.
      }
    }
    // The log lines arrive through the event loop, a few turns later.
    let reasons: string[] = [];
    for (let turn = 0; turn < 20 && reasons.length === 0; turn += 1) {
      await sleep(5);
      reasons = nativeLogErrors(binding, mark);
    }
    releaseNativeLog(binding);
    throw new SttError(
      'input-unreadable',
      `${modelPath}: whisper.cpp cannot load this model (${reasons.length ? reasons.join('; ') : describeError(first)}). It may be corrupt or incomplete. ${pullHint(modelName)}.`,
      { cause: first },
    );
  }
}

function createEngine(binding: WhisperBinding, context: NativeWhisperContext, options: WhisperEngineOptions, header: WhisperModelHeader): WhisperEngine {
  const threads = options.threads ?? os.availableParallelism();
  const deadline = options.deadline ?? defaultDeadline;
  let closed: Promise<void> | undefined;

  async function* transcribe(audio: AsyncIterable<Float32Array>, request: TranscribeOptions = {}): AsyncGenerator<TranscriptEvent> {
    if (closed) throw new SttError('service-unavailable', 'the whisper engine is closed');
    const { signal } = request;
    const samples = await collectAudio(audio, signal);
    if (samples === undefined || signal?.aborted) return;
    if (samples.length === 0) {
      yield { type: 'transcript-final', text: '', segments: [] };
      return;
    }

    const events = createEventQueue();
    let heard = '';
    const job = context.transcribeData(toPcm16(samples), {
      language: request.language ?? options.language ?? 'en',
      maxThreads: threads,
      prompt: buildWhisperPrompt(request.bias),
      onNewSegments: (update) => {
        heard = `${heard}${update.result}`;
        const text = heard.trim();
        if (text) events.push({ type: 'transcript-partial', text });
      },
    });
    // Settles after an abort too ("Transcription cancelled"); nobody waits for it then.
    job.promise.catch(() => undefined);
    const seconds = samples.length / sttSampleRate;
    const limitMs = deadline.baseMs + deadline.perAudioSecondMs * seconds;
    let timer: NodeJS.Timeout | undefined;
    const stop = (): void => {
      void job.stop().catch(() => undefined);
      events.end();
    };
    signal?.addEventListener('abort', stop, { once: true });
    void Promise.race([
      job.promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new SttError('service-unavailable', `whisper did not finish ${seconds.toFixed(1)} s of audio within ${Math.round(limitMs / 1000)} s (${options.modelPath}); whisper.cpp may have failed inside the run`)),
          limitMs,
        );
      }),
    ]).then(
      (result) => events.finish(result),
      (error: unknown) => events.fail(error),
    );
    try {
      for (;;) {
        const next = await events.next();
        if (next === 'ended') return;
        if (next.type === 'event') {
          yield next.event;
          continue;
        }
        if (next.type === 'error') {
          if (signal?.aborted) return;
          if (next.error instanceof SttError) throw next.error;
          throw new SttError('service-unavailable', `whisper could not transcribe ${seconds.toFixed(1)} s of audio: ${describeError(next.error)}`, { cause: next.error });
        }
        if (signal?.aborted || next.result.isAborted) return;
        yield { type: 'transcript-final', text: next.result.result.trim(), segments: toSegments(next.result.segments) };
        return;
      }
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', stop);
    }
  }

  const close = (): Promise<void> => {
    closed ??= (async () => {
      try {
        await context.release();
      } finally {
        releaseNativeLog(binding);
      }
    })();
    return closed;
  };

  return {
    id: 'whisper',
    capabilities: { partials: false, biasing: true },
    variant: binding.variant,
    model: { path: options.modelPath, header },
    transcribe,
    close,
    [Symbol.asyncDispose]: close,
  };
}

/** All of an utterance's samples in one array, or undefined when the signal aborts first. */
async function collectAudio(audio: AsyncIterable<Float32Array>, signal: AbortSignal | undefined): Promise<Float32Array | undefined> {
  let buffer = new Float32Array(sttSampleRate * 4);
  let length = 0;
  const iterator = audio[Symbol.asyncIterator]();
  const aborted = abortPromise(signal);
  try {
    for (;;) {
      const next = await Promise.race([iterator.next(), aborted.promise]);
      if (next === 'aborted') return undefined;
      if (next.done) break;
      const chunk = next.value;
      if (length + chunk.length > buffer.length) {
        const grown = new Float32Array(Math.max(buffer.length * 2, length + chunk.length));
        grown.set(buffer.subarray(0, length));
        buffer = grown;
      }
      buffer.set(chunk, length);
      length += chunk.length;
    }
  } finally {
    aborted.dispose();
    if (signal?.aborted) void iterator.return?.()?.then(undefined, () => undefined);
  }
  return buffer.subarray(0, length);
}

function abortPromise(signal: AbortSignal | undefined): { promise: Promise<'aborted'>; dispose: () => void } {
  if (!signal) return { promise: new Promise(() => undefined), dispose: () => undefined };
  let onAbort: () => void = () => undefined;
  const promise = new Promise<'aborted'>((resolve) => {
    onAbort = () => resolve('aborted');
    if (signal.aborted) resolve('aborted');
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  return { promise, dispose: () => signal.removeEventListener('abort', onAbort) };
}

/** whisper.node takes PCM16; samples outside [-1, 1] are clipped rather than wrapped. */
function toPcm16(samples: Float32Array): ArrayBuffer {
  const pcm = new Int16Array(samples.length);
  for (let index = 0; index < samples.length; index += 1) {
    const value = Math.max(-1, Math.min(1, samples[index]!));
    pcm[index] = Math.round(value * 32767);
  }
  return pcm.buffer;
}

function toSegments(segments: readonly NativeSegment[]): TranscriptSegment[] {
  return segments
    .map((segment) => ({ text: segment.text.trim(), startMs: segment.t0, endMs: segment.t1 }))
    .filter((segment) => segment.text.length > 0);
}

type QueueItem =
  | { type: 'event'; event: TranscriptEvent }
  | { type: 'result'; result: NativeTranscribeResult }
  | { type: 'error'; error: unknown };

/** Partials pushed from the native callback, then the run's result or error; `end()` stops it early. */
function createEventQueue() {
  const items: QueueItem[] = [];
  let ended = false;
  let wake: (() => void) | undefined;
  const notify = (): void => {
    wake?.();
    wake = undefined;
  };
  return {
    push(event: TranscriptEvent): void {
      items.push({ type: 'event', event });
      notify();
    },
    finish(result: NativeTranscribeResult): void {
      items.push({ type: 'result', result });
      notify();
    },
    fail(error: unknown): void {
      items.push({ type: 'error', error });
      notify();
    },
    end(): void {
      ended = true;
      notify();
    },
    async next(): Promise<QueueItem | 'ended'> {
      for (;;) {
        if (ended) return 'ended';
        const item = items.shift();
        if (item) return item;
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
      }
    },
  };
}
