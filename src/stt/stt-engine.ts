/**
 * The speech-to-text contract: one utterance's audio in (16 kHz mono, streamed as it is
 * heard), transcript events out. Engines: pocketsphinx (embedded default, Debian's
 * `pocketsphinx` with a persona-biased language model), whisper (whisper.cpp through
 * `@fugood/whisper.node`, biased through its initial prompt), openai (any
 * `/v1/audio/transcriptions` server).
 */
import { PersonaError } from '../errors.js';

/** The only rate engines take: the wire protocol and the VAD are 16 kHz mono. */
export const sttSampleRate = 16000;

export interface TranscriptSegment {
  text: string;
  /** Offsets in the utterance's audio, when the engine reports them. */
  startMs?: number;
  endMs?: number;
}

export type TranscriptEvent =
  /** Text heard so far that may still change; each partial replaces the previous one (not appended). */
  | { type: 'transcript-partial'; text: string }
  /** The utterance's final text (may be empty when nothing was recognised). */
  | { type: 'transcript-final'; text: string; segments: TranscriptSegment[] };

export interface SttEngineCapabilities {
  /** Whether partial transcripts come out before the utterance ends. */
  partials: boolean;
  /** Whether `bias` (domain words and phrases) changes what is heard. */
  biasing: boolean;
}

/** Words and phrases of the persona's world (names, places, projects) that recognition should favour. */
export interface SttBias {
  /** Free text from the persona's corpus and common question forms. */
  phrases: readonly string[];
  /** Whose corpus the phrases come from: models built from them are named by it, so `forget` can drop them. */
  persona?: string;
}

export interface TranscribeOptions {
  signal?: AbortSignal;
  bias?: SttBias;
  /** ISO 639-1 code; engines that cannot change language ignore it. */
  language?: string;
}

export interface SttEngine {
  readonly id: 'pocketsphinx' | 'whisper' | 'openai' | (string & {});
  readonly capabilities: SttEngineCapabilities;
  /**
   * Transcribes one utterance. `audio` yields float samples in [-1, 1] at 16 kHz as they
   * arrive; the utterance ends when the iterable ends. Yields zero or more partials and
   * then exactly one final; an abort ends the stream quietly without a final.
   */
  transcribe(audio: AsyncIterable<Float32Array>, options?: TranscribeOptions): AsyncIterable<TranscriptEvent>;
  /** Gets ready for utterances with this bias (builds models, starts decoders) so the first one is not slower. */
  warmUp?(bias?: SttBias, signal?: AbortSignal): Promise<void>;
  close(): Promise<void>;
}

export type SttErrorCode = 'service-unavailable' | 'input-unsupported' | 'input-unreadable' | 'config-invalid' | 'not-found';

/** An STT problem the caller can act on: a missing binary or model, unreadable audio, a server that failed. */
export class SttError extends PersonaError {
  constructor(code: SttErrorCode, message: string, options: { cause?: unknown; retryable?: boolean } = {}) {
    super(code, message, options);
    this.name = 'SttError';
  }
}

/** Drains an engine's events for a whole utterance and returns its final transcript (empty if aborted). */
export async function transcribeAll(
  engine: SttEngine,
  audio: AsyncIterable<Float32Array>,
  options: TranscribeOptions = {},
): Promise<{ text: string; segments: TranscriptSegment[] }> {
  let final: { text: string; segments: TranscriptSegment[] } = { text: '', segments: [] };
  for await (const event of engine.transcribe(audio, options)) {
    if (event.type === 'transcript-final') final = { text: event.text, segments: event.segments };
  }
  return final;
}
