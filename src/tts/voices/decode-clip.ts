/**
 * Any audio file ffmpeg can read (WAV, MP3, Ogg, FLAC, M4A, a video's sound track) decoded to
 * mono PCM16 at one rate, by the ffmpeg of `ffmpegPath()`. A file that is not audio is a
 * TtsError naming the file and quoting ffmpeg's reason.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { ffmpegPath } from '../../audio/ffmpeg-path.js';
import { TtsError } from '../tts-engine.js';

/** Ten minutes at 24 kHz: more than a reference clip ever needs, and a bound on memory. */
const maxSeconds = 600;

export async function decodeClip(file: string, sampleRate: number, signal?: AbortSignal): Promise<Int16Array> {
  // `file:` keeps a name starting with a dash or holding a colon from being read as an option or a protocol.
  const child = spawn(ffmpegPath(), ['-nostdin', '-v', 'error', '-i', `file:${file}`, '-t', String(maxSeconds), '-vn', '-ac', '1', '-ar', String(sampleRate), '-f', 's16le', 'pipe:1'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    signal,
  });
  const pieces: Buffer[] = [];
  let stderr = '';
  child.stdout.on('data', (data: Buffer) => pieces.push(data));
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (data: string) => {
    if (stderr.length < 4000) stderr += data;
  });
  let code: number | null;
  try {
    [code] = (await once(child, 'close')) as [number | null];
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw new TtsError('service-unavailable', `${file}: cannot run ffmpeg: ${(error as Error).message}`, { cause: error });
  }
  if (signal?.aborted) throw signal.reason;
  if (code !== 0) {
    const reason = stderr.trim().split('\n').filter(Boolean).at(-1) ?? `ffmpeg exit ${code}`;
    // ffmpeg prefixes its reason with the input's name, which the message already starts with.
    const detail = reason.startsWith(`file:${file}: `) ? reason.slice(file.length + 7) : reason;
    throw new TtsError('input-unsupported', `${file}: not an audio file ffmpeg can read (${detail})`);
  }
  const bytes = Buffer.concat(pieces);
  if (bytes.length < 2) throw new TtsError('input-unsupported', `${file}: has no audio`);
  const samples = new Int16Array(Math.floor(bytes.length / 2));
  for (let index = 0; index < samples.length; index++) samples[index] = bytes.readInt16LE(index * 2);
  return samples;
}
