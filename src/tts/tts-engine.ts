/**
 * The TTS engine contract: text in, a stream of mono 16-bit PCM chunks out. Engines: espeak
 * (embedded default, `espeak-ng`), xtts (GPU worker, voice cloning). `speakSegments` drives an
 * engine from the sentence splitter's segments, one segment at a time, in order.
 */
import { PersonaError } from '../errors.js';

/** Mono signed 16-bit PCM at `sampleRate`. */
export interface AudioChunk {
  pcm: Int16Array;
  sampleRate: number;
}

export interface TtsEngineCapabilities {
  /** Whether audio comes out while the text is still being synthesised. */
  streaming: boolean;
  /** Whether the engine can clone a voice from reference clips. */
  cloning: boolean;
  /** The sample rate of every chunk the engine yields. */
  sampleRate: number;
}

export interface SynthesizeOptions {
  /** The engine's voice name (espeak: `en-us`, `ta`, …; xtts: a voice folder's name). */
  voice?: string;
  signal?: AbortSignal;
}

export interface TtsEngine {
  readonly id: 'espeak' | 'xtts' | (string & {});
  readonly capabilities: TtsEngineCapabilities;
  /** Streams the speech for `text`; empty or whitespace-only text yields nothing; an abort ends the stream quietly. */
  synthesize(text: string, options?: SynthesizeOptions): AsyncIterable<AudioChunk>;
  close(): Promise<void>;
}

export type TtsErrorCode = 'service-unavailable' | 'input-unsupported' | 'config-invalid';

/** A TTS problem the caller can act on: a missing engine binary, a bad voice name, a failed synthesis. */
export class TtsError extends PersonaError {
  constructor(code: TtsErrorCode, message: string, options: { cause?: unknown; retryable?: boolean } = {}) {
    super(code, message, options);
    this.name = 'TtsError';
  }
}

export interface SpokenChunk {
  /** The index of the segment this audio belongs to. */
  index: number;
  chunk: AudioChunk;
}

export interface SpeakSegmentsOptions {
  voice?: string;
  signal?: AbortSignal;
}

/**
 * Synthesises segments one by one, in order: each segment's audio is yielded as it is made,
 * and the next segment is only requested once the previous one is spoken, so the first
 * segment's audio starts before later segments exist. An abort ends the stream quietly.
 */
export async function* speakSegments(
  engine: TtsEngine,
  segments: AsyncIterable<{ text: string; index: number }>,
  options: SpeakSegmentsOptions = {},
): AsyncGenerator<SpokenChunk> {
  const { signal, voice } = options;
  if (signal?.aborted) return;
  const iterator = segments[Symbol.asyncIterator]();
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<'aborted'>((resolve) => {
    onAbort = () => resolve('aborted');
    signal?.addEventListener('abort', onAbort, { once: true });
  });
  let finished = false;
  try {
    for (;;) {
      const next = signal ? await Promise.race([iterator.next(), aborted]) : await iterator.next();
      if (next === 'aborted' || signal?.aborted) return;
      if (next.done) {
        finished = true;
        return;
      }
      const segment = next.value;
      for await (const chunk of engine.synthesize(segment.text, { voice, signal })) {
        yield { index: segment.index, chunk };
      }
      if (signal?.aborted) return;
    }
  } finally {
    if (onAbort) signal?.removeEventListener('abort', onAbort);
    // Let the source clean up (it may be suspended in a pending next(); do not wait for it).
    if (!finished) iterator.return?.()?.then(undefined, () => undefined);
  }
}
