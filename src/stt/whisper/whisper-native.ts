/**
 * The native whisper.cpp binding of `@fugood/whisper.node`, loaded by variant. Its platform
 * packages (`@fugood/node-whisper-linux-x64[-cuda|-vulkan]`) are this project's optional
 * dependencies and are required here directly: the wrapper package's own loader caches the
 * first variant it loads for the whole process and writes to the console when it falls
 * back, and its lockfile entry names platform packages the registry mirror lacks, which
 * breaks `npm ci`. CUDA first, then Vulkan, then CPU. A GPU variant whose libraries are absent
 * (libcudart, libvulkan) fails to load with a plain JS error, which makes "try the GPU,
 * fall back to the CPU" safe.
 *
 * whisper.cpp logs to stderr unless a log callback is set; while any whisper engine is
 * open its lines are kept here instead, so a load failure can say why and the CLI's
 * output stays clean. The callback is a thread-safe function that keeps the event loop
 * alive, so it is removed when the last engine closes.
 */
import { createRequire } from 'node:module';

/** The options `transcribeData` reads (see @fugood/whisper.node lib/binding.ts). */
export interface NativeTranscribeOptions {
  language?: string;
  maxThreads?: number;
  prompt?: string;
  temperature?: number;
  temperatureInc?: number;
  beamSize?: number;
  onNewSegments?: (result: NativeNewSegments) => void;
}

export interface NativeSegment {
  text: string;
  /** Milliseconds. */
  t0: number;
  t1: number;
}

export interface NativeNewSegments {
  nNew: number;
  totalNNew: number;
  result: string;
  segments: NativeSegment[];
}

export interface NativeTranscribeResult {
  language?: string;
  result: string;
  segments: NativeSegment[];
  isAborted: boolean;
}

export interface NativeTranscribeJob {
  /** Only sets a flag whisper.cpp reads before and after a run: a run in progress finishes first. */
  stop(): Promise<void>;
  promise: Promise<NativeTranscribeResult>;
}

export interface NativeWhisperContext {
  /** PCM16 mono 16 kHz. */
  transcribeData(audio: ArrayBuffer, options?: NativeTranscribeOptions): NativeTranscribeJob;
  release(): Promise<void>;
}

interface NativeWhisperContextClass {
  /** Loads the model synchronously; throws "Failed to initialize whisper context" when whisper.cpp refuses it. */
  new (options: { filePath: string; useGpu?: boolean; useFlashAttn?: boolean }): NativeWhisperContext;
  toggleNativeLog(enable: boolean, callback?: (level: string, text: string) => void): void;
}

export type WhisperVariant = 'cuda' | 'vulkan' | 'cpu';
/** auto: CUDA, then Vulkan, then CPU; off: the CPU build with the GPU unused. */
export type WhisperGpu = 'auto' | 'cuda' | 'vulkan' | 'off';

export interface WhisperBinding {
  variant: WhisperVariant;
  WhisperContext: NativeWhisperContextClass;
}

const require = createRequire(import.meta.url);
const loaded = new Map<WhisperVariant, WhisperBinding>();

function packageName(variant: WhisperVariant): string {
  return `@fugood/node-whisper-${process.platform}-${process.arch}${variant === 'cpu' ? '' : `-${variant}`}`;
}

function loadVariant(variant: WhisperVariant): WhisperBinding {
  const cached = loaded.get(variant);
  if (cached) return cached;
  const module = require(packageName(variant)) as { WhisperContext?: NativeWhisperContextClass };
  if (typeof module.WhisperContext !== 'function') throw new Error(`${packageName(variant)} has no WhisperContext`);
  const binding = { variant, WhisperContext: module.WhisperContext };
  loaded.set(variant, binding);
  return binding;
}

export function variantsToTry(gpu: WhisperGpu): WhisperVariant[] {
  switch (gpu) {
    case 'auto':
      return ['cuda', 'vulkan', 'cpu'];
    case 'cuda':
      return ['cuda', 'cpu'];
    case 'vulkan':
      return ['vulkan', 'cpu'];
    case 'off':
      return ['cpu'];
  }
}

/** The first variant that loads; throws with every variant's reason when none does. */
export function loadWhisperBinding(gpu: WhisperGpu): WhisperBinding {
  const reasons: string[] = [];
  for (const variant of variantsToTry(gpu)) {
    try {
      return loadVariant(variant);
    } catch (error) {
      reasons.push(`${packageName(variant)}: ${(error as Error).message.split('\n')[0]}`);
    }
  }
  throw new Error(reasons.join('; '));
}

interface LogCapture {
  users: number;
  /** How many lines have ever arrived, so a mark survives the trimming of old lines. */
  received: number;
  lines: Array<{ sequence: number; level: string; text: string }>;
}

const captures = new Map<WhisperBinding, LogCapture>();
const keptLines = 40;

function captureOf(binding: WhisperBinding): LogCapture {
  let capture = captures.get(binding);
  if (!capture) {
    capture = { users: 0, received: 0, lines: [] };
    captures.set(binding, capture);
  }
  return capture;
}

/** Starts keeping whisper.cpp's log lines (instead of stderr); pair with `releaseNativeLog`. */
export function captureNativeLog(binding: WhisperBinding): void {
  const capture = captureOf(binding);
  capture.users += 1;
  if (capture.users > 1) return;
  binding.WhisperContext.toggleNativeLog(true, (level, text) => {
    capture.lines.push({ sequence: capture.received, level, text: text.trim() });
    capture.received += 1;
    if (capture.lines.length > keptLines) capture.lines.splice(0, capture.lines.length - keptLines);
  });
}

export function releaseNativeLog(binding: WhisperBinding): void {
  const capture = captures.get(binding);
  if (!capture || capture.users === 0) return;
  capture.users -= 1;
  if (capture.users === 0) binding.WhisperContext.toggleNativeLog(false);
}

/** A point in the log; `nativeLogErrors(binding, mark)` returns the errors logged after it. */
export function nativeLogMark(binding: WhisperBinding): number {
  return captureOf(binding).received;
}

/**
 * whisper.cpp's error lines since `mark`, without the function-name prefix. The lines reach
 * JS through the event loop, so call this after yielding to it once.
 */
export function nativeLogErrors(binding: WhisperBinding, mark: number): string[] {
  return captureOf(binding)
    .lines.filter((line) => line.sequence >= mark && line.level === 'error')
    .map((line) => line.text.replace(/^\w+: /, ''));
}
