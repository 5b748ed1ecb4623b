/**
 * Runs ffmpeg to completion with optional bytes on stdin. An abort kills it and rejects with
 * PersonaError('aborted') (the caller has no file to keep); a failure names `what` and the
 * last line ffmpeg printed.
 */
import { PersonaError } from '../errors.js';
import { startFfmpeg } from '../audio/ffmpeg-process.js';

export interface RunFfmpegOptions {
  input?: Uint8Array;
  signal?: AbortSignal;
  /** What is being made, for messages: "the video for answer-3.mp4". */
  what: string;
}

export async function runFfmpeg(args: string[], options: RunFfmpegOptions): Promise<void> {
  const { signal, what } = options;
  if (signal?.aborted) throw new PersonaError('aborted', `${what} was interrupted`, { cause: signal.reason });
  const ffmpeg = await startFfmpeg(args, { what: `make ${what}`, signal });
  ffmpeg.stdout.resume();
  ffmpeg.stdin.end(options.input ? Buffer.from(options.input.buffer, options.input.byteOffset, options.input.byteLength) : undefined);
  try {
    const code = await ffmpeg.exited;
    if (signal?.aborted) throw new PersonaError('aborted', `${what} was interrupted`, { cause: signal.reason });
    if (code !== 0) {
      const last = ffmpeg.lastError();
      throw new PersonaError('service-unavailable', `ffmpeg failed to make ${what} (exit ${code})${last ? `: ${last}` : ''}`);
    }
  } finally {
    await ffmpeg.release();
  }
}
