/**
 * Runs ffmpeg to completion with optional bytes on stdin. An abort kills it and rejects with
 * PersonaError('aborted') (the caller has no file to keep); a failure names `what` and the
 * last line ffmpeg printed.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { PersonaError } from '../errors.js';
import { ffmpegPath } from '../audio/ffmpeg-path.js';

export interface RunFfmpegOptions {
  input?: Uint8Array;
  signal?: AbortSignal;
  /** What is being made, for messages: "the video for answer-3.mp4". */
  what: string;
}

export async function runFfmpeg(args: string[], options: RunFfmpegOptions): Promise<void> {
  const { signal, what } = options;
  if (signal?.aborted) throw new PersonaError('aborted', `${what} was interrupted`, { cause: signal.reason });
  const child = spawn(ffmpegPath(), args, { stdio: ['pipe', 'ignore', 'pipe'] });
  const closed = once(child, 'close').then(
    ([code]) => code as number | null,
    (error: unknown) => {
      throw new PersonaError('service-unavailable', `ffmpeg (${ffmpegPath()}) cannot start to make ${what}: ${(error as Error).message}`, { cause: error });
    },
  );
  const kill = (): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  signal?.addEventListener('abort', kill, { once: true });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (data: string) => {
    if (stderr.length < 4000) stderr += data;
  });
  // ffmpeg may exit (or be killed) before reading all of stdin.
  child.stdin.on('error', () => undefined);
  child.stdin.end(options.input ? Buffer.from(options.input.buffer, options.input.byteOffset, options.input.byteLength) : undefined);
  try {
    const code = await closed;
    if (signal?.aborted) throw new PersonaError('aborted', `${what} was interrupted`, { cause: signal.reason });
    if (code !== 0) {
      const last = stderr.trim().split('\n').at(-1);
      throw new PersonaError('service-unavailable', `ffmpeg failed to make ${what} (exit ${code})${last ? `: ${last}` : ''}`);
    }
  } finally {
    signal?.removeEventListener('abort', kill);
    kill();
  }
}
