/**
 * A whole audio file through an STT engine, as if it were spoken into it: the decoded
 * audio streams in 20 ms chunks, the way a microphone's would. Whisper-style engines read
 * at most 30 s at a time and do worse on more, so for them a long file is cut into pieces
 * of at most 30 s, each cut at the quietest moment near its end, and each piece is one
 * utterance; segment offsets are then shifted to the file's time. Streaming engines
 * (pocketsphinx) take the whole file as one stream.
 */
import { PersonaError } from '../errors.js';
import { streamAudioFile } from './decode-audio.js';
import { sttSampleRate, transcribeAll, type SttBias, type SttEngine, type TranscriptSegment } from './stt-engine.js';

export interface TranscribeFileOptions {
  bias?: SttBias;
  signal?: AbortSignal;
  language?: string;
  /** Longest piece sent as one utterance; default 30 s for whisper and openai, unlimited for other engines. */
  maxPieceSeconds?: number;
}

export interface FileTranscript {
  text: string;
  /** Offsets from the start of the file. */
  segments: TranscriptSegment[];
}

const chunkSamples = sttSampleRate / 50;
/** Engines that transcribe a window at a time. */
const windowedEngines = new Set(['whisper', 'openai']);
/** How far back from a piece's end to look for a pause. */
const searchSeconds = 8;
const frameSamples = sttSampleRate / 50;

/** An abort rejects with PersonaError('aborted'), as there is no whole transcript to return. */
export async function transcribeFile(engine: SttEngine, file: string, options: TranscribeFileOptions = {}): Promise<FileTranscript> {
  const { signal } = options;
  const maxPieceSeconds = options.maxPieceSeconds ?? (windowedEngines.has(engine.id) ? 30 : Number.POSITIVE_INFINITY);
  const audio = streamAudioFile(file, { signal });
  const texts: string[] = [];
  const segments: TranscriptSegment[] = [];
  const add = (result: { text: string; segments: TranscriptSegment[] }, startSample: number, endSample: number): void => {
    if (!result.text) return;
    texts.push(result.text);
    const offsetMs = Math.round((startSample / sttSampleRate) * 1000);
    if (result.segments.length === 0) {
      segments.push({ text: result.text, startMs: offsetMs, endMs: Math.round((endSample / sttSampleRate) * 1000) });
      return;
    }
    for (const segment of result.segments) {
      segments.push({
        text: segment.text,
        ...(segment.startMs === undefined ? {} : { startMs: segment.startMs + offsetMs }),
        ...(segment.endMs === undefined ? {} : { endMs: segment.endMs + offsetMs }),
      });
    }
  };

  if (!Number.isFinite(maxPieceSeconds)) {
    let total = 0;
    const counted = (async function* () {
      for await (const chunk of rechunk(audio)) {
        total += chunk.length;
        yield chunk;
      }
    })();
    add(await transcribeAll(engine, counted, { bias: options.bias, signal, language: options.language }), 0, total);
  } else {
    for await (const piece of splitAtPauses(audio, Math.max(1, Math.round(maxPieceSeconds * sttSampleRate)))) {
      if (signal?.aborted) break;
      const result = await transcribeAll(engine, rechunk(single(piece.samples)), { bias: options.bias, signal, language: options.language });
      add(result, piece.start, piece.start + piece.samples.length);
    }
  }
  if (signal?.aborted) throw new PersonaError('aborted', `transcribing ${file} was interrupted`, { cause: signal.reason });
  return { text: texts.join(' '), segments };
}

async function* single(samples: Float32Array): AsyncGenerator<Float32Array> {
  yield samples;
}

/** Any chunking in, 20 ms chunks out (the last may be shorter). */
async function* rechunk(audio: AsyncIterable<Float32Array>): AsyncGenerator<Float32Array> {
  let pending = new Float32Array(chunkSamples);
  let filled = 0;
  for await (const samples of audio) {
    let offset = 0;
    while (offset < samples.length) {
      const take = Math.min(chunkSamples - filled, samples.length - offset);
      pending.set(samples.subarray(offset, offset + take), filled);
      filled += take;
      offset += take;
      if (filled === chunkSamples) {
        yield pending;
        pending = new Float32Array(chunkSamples);
        filled = 0;
      }
    }
  }
  if (filled > 0) yield pending.slice(0, filled);
}

export interface AudioPiece {
  /** The piece's first sample in the whole stream. */
  start: number;
  samples: Float32Array;
}

/**
 * Cuts a stream into pieces of at most `maxSamples`, each cut in the quietest 20 ms frame
 * of its last few seconds, so words are not split when there is a pause to cut at.
 */
export async function* splitAtPauses(audio: AsyncIterable<Float32Array>, maxSamples: number): AsyncGenerator<AudioPiece> {
  const buffer = new Float32Array(maxSamples * 2);
  let length = 0;
  let start = 0;
  for await (const samples of audio) {
    let offset = 0;
    while (offset < samples.length) {
      const take = Math.min(buffer.length - length, samples.length - offset);
      buffer.set(samples.subarray(offset, offset + take), length);
      length += take;
      offset += take;
      while (length >= maxSamples) {
        const cut = quietestCut(buffer, maxSamples);
        yield { start, samples: buffer.slice(0, cut) };
        buffer.copyWithin(0, cut, length);
        length -= cut;
        start += cut;
      }
    }
  }
  if (length > 0) yield { start, samples: buffer.slice(0, length) };
}

function quietestCut(buffer: Float32Array, maxSamples: number): number {
  const searchFrom = Math.max(frameSamples, maxSamples - searchSeconds * sttSampleRate);
  let best = maxSamples;
  let bestEnergy = Number.POSITIVE_INFINITY;
  for (let frame = searchFrom; frame + frameSamples <= maxSamples; frame += frameSamples) {
    let energy = 0;
    for (let index = frame; index < frame + frameSamples; index += 1) energy += buffer[index]! * buffer[index]!;
    // Later frames win ties, so pieces stay as long as they may.
    if (energy <= bestEnergy) {
      bestEnergy = energy;
      best = frame + frameSamples / 2;
    }
  }
  return best;
}
