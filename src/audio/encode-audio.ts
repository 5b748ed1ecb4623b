/**
 * Mono PCM16 to a file format people can play: WAV directly (`encodeWav`), MP3 (libmp3lame)
 * and Ogg/Opus (libopus) through the ffmpeg of `ffmpegPath()`. `encodeAudio` makes a whole
 * file; `encodeAudioStream` is the streaming stage (PCM chunks in, encoded bytes out as
 * ffmpeg makes them) for answers that are still being spoken, e.g. an HTTP speech route.
 */
import { once } from 'node:events';
import path from 'node:path';
import { InputError, PersonaError } from '../errors.js';
import { startFfmpeg } from './ffmpeg-process.js';
import { encodeWav } from './wav-file.js';

export type AudioFormat = 'wav' | 'mp3' | 'ogg';
export const audioFormats: readonly AudioFormat[] = ['wav', 'mp3', 'ogg'];

export const audioContentTypes: Record<AudioFormat, string> = { wav: 'audio/wav', mp3: 'audio/mpeg', ogg: 'audio/ogg' };

export interface EncodeAudioOptions {
  signal?: AbortSignal;
}

/** The format a file name asks for by its extension; anything else is an InputError naming the file. */
export function formatFromPath(file: string): AudioFormat {
  const extension = path.extname(file).toLowerCase().slice(1);
  const format = extension === 'opus' ? 'ogg' : extension;
  if ((audioFormats as readonly string[]).includes(format)) return format as AudioFormat;
  throw new InputError(
    'input-unsupported',
    file,
    extension ? `cannot write .${extension} audio; use .wav, .mp3 or .ogg (Opus)` : 'has no extension to tell the audio format; use .wav, .mp3 or .ogg (Opus)',
  );
}

/** A whole file's bytes. An abort rejects with a PersonaError('aborted'): there is no half file to return. */
export async function encodeAudio(pcm: Int16Array, sampleRate: number, format: AudioFormat, options: EncodeAudioOptions = {}): Promise<Buffer> {
  checkSampleRate(sampleRate);
  if (format === 'wav') return encodeWav(pcm, sampleRate);
  const pieces: Buffer[] = [];
  for await (const piece of encodeAudioStream(single(pcm), sampleRate, format, options)) pieces.push(piece);
  if (options.signal?.aborted) throw new PersonaError('aborted', `encoding ${format} was interrupted`, { cause: options.signal.reason });
  return Buffer.concat(pieces);
}

/**
 * The streaming encoder: PCM chunks in, encoded bytes out as they are made. WAV gets a
 * header with the placeholder sizes streaming writers use (players read to the end); MP3
 * and Ogg come from one ffmpeg process fed on stdin. An abort, or a consumer that stops
 * reading, kills ffmpeg and ends the stream quietly.
 */
export async function* encodeAudioStream(
  chunks: AsyncIterable<Int16Array>,
  sampleRate: number,
  format: AudioFormat,
  options: EncodeAudioOptions = {},
): AsyncGenerator<Buffer> {
  checkSampleRate(sampleRate);
  const { signal } = options;
  if (signal?.aborted) return;
  if (format === 'wav') {
    yield streamingWavHeader(sampleRate);
    for await (const pcm of chunks) {
      if (signal?.aborted) return;
      if (pcm.length > 0) yield bytesOf(pcm);
    }
    return;
  }

  const ffmpeg = await startFfmpeg(ffmpegArguments(format, sampleRate), { what: `encode ${format}`, signal });

  const iterator = chunks[Symbol.asyncIterator]();
  let stopped = false;
  const feed = (async () => {
    for (;;) {
      const next = await iterator.next();
      if (next.done || stopped) break;
      if (next.value.length === 0) continue;
      if (!ffmpeg.stdin.write(bytesOf(next.value))) await Promise.race([once(ffmpeg.stdin, 'drain'), ffmpeg.exited]);
      if (stopped) return;
    }
    ffmpeg.stdin.end();
  })();
  // The feed's failure (the PCM source threw) is raised below, after ffmpeg is stopped.
  let feedError: unknown;
  feed.catch((error: unknown) => {
    feedError = error ?? new Error('the PCM source failed');
    ffmpeg.kill();
  });

  let finished = false;
  try {
    for await (const data of ffmpeg.stdout as AsyncIterable<Buffer>) {
      if (signal?.aborted) return;
      yield data;
      if (signal?.aborted) return;
    }
    const code = await ffmpeg.exited;
    if (feedError !== undefined) throw feedError;
    if (signal?.aborted) return;
    if (code !== 0) throw new PersonaError('service-unavailable', `ffmpeg failed to encode ${format} (exit ${code})${ffmpeg.lastError() ? `: ${ffmpeg.lastError()}` : ''}`);
    finished = true;
  } finally {
    stopped = true;
    await ffmpeg.release();
    // A source still suspended in next() is told to clean up; its answer is not awaited.
    if (!finished) iterator.return?.()?.then(undefined, () => undefined);
  }
}

function ffmpegArguments(format: 'mp3' | 'ogg', sampleRate: number): string[] {
  // Raw PCM needs no probing; without these ffmpeg reads seconds of input before encoding any.
  const input = ['-nostdin', '-hide_banner', '-v', 'error', '-probesize', '32', '-analyzeduration', '0', '-f', 's16le', '-ar', String(sampleRate), '-ac', '1', '-i', 'pipe:0'];
  // Small pages and flushed packets: bytes leave as soon as a frame is encoded, not once a second.
  const output =
    format === 'mp3'
      ? ['-c:a', 'libmp3lame', '-b:a', '64k', '-f', 'mp3']
      : ['-c:a', 'libopus', '-b:a', '32k', '-application', 'voip', '-page_duration', '100000', '-f', 'ogg'];
  return [...input, ...output, '-flush_packets', '1', 'pipe:1'];
}

/** A WAV header whose sizes say "unknown length", as streaming writers (espeak-ng, ffmpeg to a pipe) write it. */
function streamingWavHeader(sampleRate: number): Buffer {
  const header = encodeWav(new Int16Array(0), sampleRate);
  header.writeUInt32LE(0xffffffff, 4);
  header.writeUInt32LE(0xffffffff, 40);
  return header;
}

function bytesOf(pcm: Int16Array): Buffer {
  return Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength);
}

async function* single(pcm: Int16Array): AsyncGenerator<Int16Array> {
  yield pcm;
}

function checkSampleRate(sampleRate: number): void {
  if (!Number.isInteger(sampleRate) || sampleRate < 1000 || sampleRate > 192000) {
    throw new PersonaError('input-unsupported', `audio encoding: sample rate must be an integer from 1000 to 192000 Hz, got ${sampleRate}`);
  }
}
