/**
 * Any audio file (WAV, MP3, Ogg/Opus, WebM, M4A, FLAC, a video's sound track: whatever
 * ffmpeg reads) as 16 kHz mono float samples, the one format STT engines take. ffmpeg
 * decodes, downmixes and resamples in one pass and its output is streamed, so a long
 * recording is never held twice. A WAV that is already 16 kHz mono PCM16 is read directly.
 * A file ffmpeg cannot read is an InputError naming it, with ffmpeg's own reason.
 */
import { open, readFile, stat } from 'node:fs/promises';
import { startFfmpeg } from '../audio/ffmpeg-process.js';
import { InputError, PersonaError } from '../errors.js';
import { sttSampleRate } from './stt-engine.js';
import { readWav } from './vad/read-wav.js';

export interface DecodeAudioOptions {
  signal?: AbortSignal;
}

/** Direct WAV reads hold the file and its samples at once; past this size ffmpeg streams it. */
const largestDirectWav = 32 * 1024 * 1024;

/** Throws the InputError a missing or unreadable path deserves, before any decoder starts. */
export async function checkAudioFile(file: string): Promise<number> {
  let size: number;
  try {
    const info = await stat(file);
    if (info.isDirectory()) throw new InputError('input-unreadable', file, 'is a folder, not an audio file');
    size = info.size;
  } catch (error) {
    if (error instanceof InputError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError('input-unreadable', file, code === 'ENOENT' ? 'does not exist' : `cannot be read (${code ?? (error as Error).message})`, { cause: error });
  }
  if (size === 0) throw new InputError('input-unreadable', file, 'is empty');
  return size;
}

/**
 * The file's audio in chunks as ffmpeg decodes it (16 kHz mono, [-1, 1]). An abort stops
 * ffmpeg and ends the stream quietly.
 */
export async function* streamAudioFile(file: string, options: DecodeAudioOptions = {}): AsyncGenerator<Float32Array> {
  const { signal } = options;
  const size = await checkAudioFile(file);
  if (signal?.aborted) return;
  if (size <= largestDirectWav) {
    const direct = await readPlainWav(file);
    if (direct) {
      if (direct.length === 0) throw new InputError('input-unreadable', file, 'has no audio (the WAV holds no samples)');
      yield direct;
      return;
    }
  }

  const ffmpeg = await startFfmpeg(['-nostdin', '-hide_banner', '-v', 'error', '-i', file, '-vn', '-sn', '-dn', '-f', 's16le', '-acodec', 'pcm_s16le', '-ac', '1', '-ar', String(sttSampleRate), 'pipe:1'], {
    what: `decode ${file}`,
    signal,
  });
  ffmpeg.stdin.end();

  let samples = 0;
  let leftover: Buffer | undefined;
  try {
    for await (const data of ffmpeg.stdout as AsyncIterable<Buffer>) {
      if (signal?.aborted) return;
      let bytes = leftover ? Buffer.concat([leftover, data]) : data;
      // A read can end mid-sample; its odd byte waits for the next read.
      const whole = bytes.length - (bytes.length % 2);
      leftover = whole < bytes.length ? Buffer.from(bytes.subarray(whole)) : undefined;
      bytes = bytes.subarray(0, whole);
      if (bytes.length === 0) continue;
      const chunk = new Float32Array(bytes.length / 2);
      for (let index = 0; index < chunk.length; index += 1) chunk[index] = bytes.readInt16LE(index * 2) / 32768;
      samples += chunk.length;
      yield chunk;
    }
    const code = await ffmpeg.exited;
    if (signal?.aborted) return;
    if (code !== 0) throw new InputError('input-unreadable', file, `is not audio ffmpeg can decode (${ffmpegReason(ffmpeg.lastError(), code, file)})`);
    if (samples === 0) throw new InputError('input-unreadable', file, 'has no audio');
  } finally {
    await ffmpeg.release();
  }
}

/** The whole file's audio. An abort rejects with PersonaError('aborted'): there is no half file to return. */
export async function decodeAudioFile(file: string, options: DecodeAudioOptions = {}): Promise<Float32Array> {
  let buffer = new Float32Array(sttSampleRate * 10);
  let length = 0;
  for await (const chunk of streamAudioFile(file, options)) {
    if (length + chunk.length > buffer.length) {
      const grown = new Float32Array(Math.max(buffer.length * 2, length + chunk.length));
      grown.set(buffer.subarray(0, length));
      buffer = grown;
    }
    buffer.set(chunk, length);
    length += chunk.length;
  }
  if (options.signal?.aborted) throw new PersonaError('aborted', `decoding ${file} was interrupted`, { cause: options.signal.reason });
  return length === buffer.length ? buffer : buffer.slice(0, length);
}

/** ffmpeg's last line says why (e.g. "Invalid data found when processing input"), without its "[mp3 @ 0x…]" prefix. */
function ffmpegReason(stderr: string, code: number | null, file: string): string {
  const lines = stderr.split('\n').map((line) => line.trim()).filter(Boolean);
  const last = lines.at(-1)?.replace(/^\[[^\]]+\]\s*/, '').replace(`${file}: `, '');
  if (!last) return `ffmpeg exit ${code}`;
  if (/does not contain any stream|matches no streams/i.test(last)) return 'it has no audio stream';
  return last.replace(/^.*?:\s*(?=Invalid data found)/, '');
}

/** The samples of a WAV that needs no conversion (16 kHz, mono, PCM16), or undefined for anything else. */
async function readPlainWav(file: string): Promise<Float32Array | undefined> {
  const handle = await open(file, 'r');
  let header: Buffer;
  try {
    header = Buffer.alloc(36);
    const { bytesRead } = await handle.read(header, 0, header.length, 0);
    if (bytesRead < header.length) return undefined;
  } finally {
    await handle.close();
  }
  const isPlain =
    header.toString('latin1', 0, 4) === 'RIFF' &&
    header.toString('latin1', 8, 12) === 'WAVE' &&
    header.toString('latin1', 12, 16) === 'fmt ' &&
    header.readUInt16LE(20) === 1 &&
    header.readUInt16LE(22) === 1 &&
    header.readUInt32LE(24) === sttSampleRate &&
    header.readUInt16LE(34) === 16;
  if (!isPlain) return undefined;
  try {
    const audio = readWav(await readFile(file), file);
    return audio.sampleRate === sttSampleRate ? audio.samples : undefined;
  } catch {
    // A damaged WAV: ffmpeg reads what it can, or says what is wrong.
    return undefined;
  }
}
