import { PersonaError } from '../../errors.js';
import { createFrameChunker, toFloatSamples } from './pcm-frames.js';
import type { SileroVad } from './silero-vad.js';
import type { VadEvent } from './vad-event.js';

export interface DetectSpeechOptions {
  signal?: AbortSignal;
  /** Also emit a `probability` event per frame (for meters and tuning); off by default to keep the stream quiet. */
  probabilities?: boolean;
}

const samplesPerMs = 16;
const aborted = Symbol('aborted');
/** A VAD's recurrent state belongs to one stream; two concurrent runs would corrupt each other. */
const vadsInUse = new WeakSet<SileroVad>();

/**
 * The VAD stage: mic audio (PCM16 or float chunks of any length, mono 16 kHz) in, utterance
 * events out. Speech starts on a frame at or above `threshold`, is confirmed (and announced)
 * once it has lasted `minSpeechMs`, and ends after `minSilenceMs` below `negativeThreshold`.
 * An abort ends the stream without an error and without a final `speech-end`: the turn is gone.
 */
export async function* detectSpeech(
  vad: SileroVad,
  frames: AsyncIterable<Int16Array | Float32Array>,
  options: DetectSpeechOptions = {},
): AsyncGenerator<VadEvent, void, undefined> {
  const { signal } = options;
  if (signal?.aborted) return;
  if (vadsInUse.has(vad)) {
    throw new PersonaError('input-unsupported', 'vad: this Silero VAD is already detecting another stream; create one per session');
  }
  vadsInUse.add(vad);
  vad.reset();

  const { threshold, negativeThreshold } = vad.settings;
  const minSilence = vad.settings.minSilenceMs * samplesPerMs;
  const minSpeech = vad.settings.minSpeechMs * samplesPerMs;
  const pad = Math.round(vad.settings.speechPadMs * samplesPerMs);
  const chunker = createFrameChunker(vad.frameSamples);
  const history = createAudioHistory();

  let position = 0; // samples of the stream already judged
  let triggered = false;
  let confirmed = false;
  let speechStart = 0;
  let silenceStart: number | undefined;

  const utteranceStart = (): number => Math.max(0, speechStart - pad);

  /** Judges one frame; `samples` is the real audio, which may be shorter than a frame at the end of the stream. */
  async function* judge(samples: Float32Array): AsyncGenerator<VadEvent, void, undefined> {
    let frame = samples;
    if (samples.length < vad.frameSamples) {
      frame = new Float32Array(vad.frameSamples);
      frame.set(samples);
    }
    const value = await vad.probability(frame);
    if (signal?.aborted) return;
    const frameStart = position;
    const frameEnd = position + samples.length;
    position = frameEnd;
    history.append(samples, frameStart);
    if (options.probabilities) yield { type: 'probability', atMs: frameStart / samplesPerMs, value };

    if (!triggered) {
      if (value < threshold) {
        history.dropBefore(frameEnd - pad);
        return;
      }
      triggered = true;
      confirmed = false;
      speechStart = frameStart;
      silenceStart = undefined;
    }

    if (value >= threshold) silenceStart = undefined;
    else if (value < negativeThreshold && silenceStart === undefined) silenceStart = frameStart;

    if (!confirmed && silenceStart === undefined && frameEnd - speechStart >= minSpeech) {
      confirmed = true;
      yield { type: 'speech-start', atMs: utteranceStart() / samplesPerMs };
    }
    if (silenceStart !== undefined && frameEnd - silenceStart >= minSilence) {
      if (confirmed) {
        const end = Math.min(silenceStart + pad, frameEnd);
        yield { type: 'speech-end', atMs: end / samplesPerMs, audio: history.slice(utteranceStart(), end) };
      }
      triggered = false;
      history.dropBefore(frameEnd - pad);
    }
  }

  const iterator = frames[Symbol.asyncIterator]();
  let onAbort: (() => void) | undefined;
  const abortedPromise = new Promise<typeof aborted>((resolve) => {
    onAbort = () => resolve(aborted);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
  let finished = false;
  let chunkIndex = 0;
  try {
    for (;;) {
      const next = iterator.next();
      next.catch(() => undefined); // after an abort nobody awaits it; its rejection is not an error of ours
      const result = signal ? await Promise.race([next, abortedPromise]) : await next;
      if (result === aborted || signal?.aborted) return;
      if (result.done) {
        finished = true;
        break;
      }
      const samples = toFloatSamples(result.value, chunkIndex++);
      for (const frame of chunker.push(samples)) {
        for await (const event of judge(frame)) yield event;
        if (signal?.aborted) return;
      }
    }

    const rest = chunker.flush();
    if (rest) {
      for await (const event of judge(rest)) yield event;
      if (signal?.aborted) return;
    }
    if (triggered) {
      // The stream ended mid-utterance (the client hung up or stopped the mic): close the turn if it was real.
      const end = silenceStart ?? position;
      if (end - speechStart >= minSpeech) {
        if (!confirmed) yield { type: 'speech-start', atMs: utteranceStart() / samplesPerMs };
        const audioEnd = Math.min(end + pad, position);
        yield { type: 'speech-end', atMs: audioEnd / samplesPerMs, audio: history.slice(utteranceStart(), audioEnd) };
      }
    }
  } finally {
    if (onAbort) signal?.removeEventListener('abort', onAbort);
    vadsInUse.delete(vad);
    if (!finished) {
      // Not awaited: a source blocked on the mic may never settle its return().
      Promise.resolve(iterator.return?.()).catch(() => undefined);
    }
  }
}

/** The recent audio: just the padding while idle, the whole utterance while speech goes on. */
function createAudioHistory() {
  const chunks: { start: number; samples: Float32Array }[] = [];
  return {
    append(samples: Float32Array, start: number): void {
      chunks.push({ start, samples });
    },
    dropBefore(position: number): void {
      while (chunks.length > 0 && chunks[0]!.start + chunks[0]!.samples.length <= position) chunks.shift();
    },
    slice(from: number, to: number): Float32Array {
      const out = new Float32Array(Math.max(0, to - from));
      for (const chunk of chunks) {
        const begin = Math.max(from, chunk.start);
        const end = Math.min(to, chunk.start + chunk.samples.length);
        if (end > begin) out.set(chunk.samples.subarray(begin - chunk.start, end - chunk.start), begin - from);
      }
      return out;
    },
  };
}
