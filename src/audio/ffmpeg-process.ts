/**
 * One ffmpeg process, supervised: started (a start failure is a clear service error), its
 * stderr kept for messages, killed when `signal` aborts, and always killed and reaped by
 * `release()`. Encoding, decoding and the avatar all run ffmpeg through this.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { once } from 'node:events';
import type { Readable, Writable } from 'node:stream';
import { PersonaError } from '../errors.js';
import { ffmpegPath } from './ffmpeg-path.js';

export interface FfmpegProcess {
  readonly stdin: Writable;
  readonly stdout: Readable;
  /** The exit code; null when it was killed. */
  readonly exited: Promise<number | null>;
  /** The last line ffmpeg wrote to stderr (its reason when it fails), or "". */
  lastError(): string;
  kill(): void;
  /** Stops watching the signal, kills ffmpeg if it still runs, and waits for it to exit. */
  release(): Promise<void>;
}

export interface StartFfmpegOptions {
  /** What ffmpeg is asked to do, for messages: "encode mp3", "decode notes.ogg". */
  what: string;
  signal?: AbortSignal;
}

export async function startFfmpeg(args: readonly string[], options: StartFfmpegOptions): Promise<FfmpegProcess> {
  const binary = ffmpegPath();
  const child: ChildProcessByStdio<Writable, Readable, Readable> = spawn(binary, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  const exited = once(child, 'close').then(
    ([code]) => code as number | null,
    () => null,
  );
  try {
    await once(child, 'spawn');
  } catch (error) {
    throw new PersonaError('service-unavailable', `ffmpeg (${binary}) cannot start to ${options.what}: ${(error as Error).message}`, { cause: error });
  }
  const kill = (): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  options.signal?.addEventListener('abort', kill, { once: true });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (data: string) => {
    // The start of stderr is enough to say what went wrong; a chatty ffmpeg must not fill memory.
    if (stderr.length < 8000) stderr += data;
  });
  // ffmpeg may exit (or be killed) before reading all of its input: EPIPE is expected then.
  child.stdin.on('error', () => undefined);
  return {
    stdin: child.stdin,
    stdout: child.stdout,
    exited,
    lastError: () => stderr.trim().split('\n').at(-1) ?? '',
    kill,
    async release() {
      options.signal?.removeEventListener('abort', kill);
      kill();
      await exited;
    },
  };
}
