/**
 * The streaming splitter between the LLM and TTS. Text deltas go in; speech segments come
 * out as soon as a sentence is complete. The first segment of a turn may also end at a clause
 * boundary (comma, semicolon, colon, dash) once it has `firstClauseMinChars`, so audio starts
 * sooner. A "." is only taken as a sentence end once the following text shows it is one
 * (not "Dr.", "e.g.", "J. R. R.", "3.14", "example.com", "10 a.m. on", `"Stop." she said`),
 * so the segments never depend on how the stream was cut into deltas. Text without
 * punctuation is cut at `maxChars` between words. Markdown, code ticks and emoji are removed.
 * At the end of the stream the rest is emitted with `final: true`; an abort ends the
 * iteration quietly and drops the unfinished rest.
 */
import { ConfigError } from '../errors.js';
import { findBoundary } from './splitter/find-boundary.js';
import { isSpeakable, toSpeechText } from './splitter/speech-text.js';

export type TextDelta = string | { type: 'text-delta'; text: string };

export interface SplitSpeechOptions {
  signal?: AbortSignal;
  /** The first segment may end at a clause boundary once it has this many characters (default 20). */
  firstClauseMinChars?: number;
  /** A segment never has more characters than this; longer text is cut between words (default 250). */
  maxChars?: number;
}

export interface SpeechSegment {
  /** The text to speak, without markup; never empty. */
  text: string;
  /** 0, 1, 2, … in order of emission. */
  index: number;
  /** True for the last segment of the stream, and only for it. */
  final: boolean;
}

export const defaultFirstClauseMinChars = 20;
export const defaultMaxChars = 250;

export async function* splitSpeech(deltas: AsyncIterable<TextDelta>, options: SplitSpeechOptions = {}): AsyncGenerator<SpeechSegment> {
  const { signal } = options;
  const firstClauseMinChars = options.firstClauseMinChars ?? defaultFirstClauseMinChars;
  const maxChars = options.maxChars ?? defaultMaxChars;
  if (!Number.isFinite(firstClauseMinChars) || firstClauseMinChars < 0) {
    throw new ConfigError(`splitSpeech: firstClauseMinChars must be a number ≥ 0, got ${firstClauseMinChars}`);
  }
  if (!Number.isInteger(maxChars) || maxChars < 1) {
    throw new ConfigError(`splitSpeech: maxChars must be an integer ≥ 1, got ${maxChars}`);
  }
  if (signal?.aborted) return;

  const iterator = deltas[Symbol.asyncIterator]();
  let buffer = '';
  let index = 0;
  let startsLine = true;
  let ended = false;
  let aborted = false;
  let onAbort: (() => void) | undefined;
  const abortedPromise = new Promise<'aborted'>((resolve) => {
    onAbort = () => resolve('aborted');
    signal?.addEventListener('abort', onAbort, { once: true });
  });

  try {
    while (!ended) {
      const next = signal ? await Promise.race([iterator.next(), abortedPromise]) : await iterator.next();
      if (next === 'aborted' || signal?.aborted) {
        aborted = true;
        return;
      }
      if (next.done) ended = true;
      else buffer += typeof next.value === 'string' ? next.value : next.value.text;

      for (;;) {
        const boundary = findBoundary({
          buffer,
          ended,
          startsLine,
          clauseMinChars: index === 0 ? firstClauseMinChars : undefined,
          maxChars,
        });
        if (boundary.kind !== 'end') break;
        const text = toSpeechText(buffer.slice(0, boundary.end));
        const restIsSilent = !isSpeakable(toSpeechText(buffer.slice(boundary.end)));
        // Hold a segment until something speakable follows it (usually the very next token),
        // so that the last segment of a turn is always the one marked final.
        if (isSpeakable(text) && restIsSilent && !ended) break;
        buffer = buffer.slice(boundary.end);
        startsLine = false;
        if (!isSpeakable(text)) continue;
        const final = ended && restIsSilent;
        yield { text, index, final };
        index += 1;
        if (signal?.aborted) {
          aborted = true;
          return;
        }
      }
    }
    const text = toSpeechText(buffer);
    if (isSpeakable(text)) yield { text, index, final: true };
  } finally {
    if (onAbort) signal?.removeEventListener('abort', onAbort);
    // Stop the producer; an aborted one may be stuck in a pending next(), so don't wait for it.
    if (!ended) {
      const closing = iterator.return?.();
      if (aborted) closing?.catch(() => undefined);
      else await closing;
    }
  }
}
