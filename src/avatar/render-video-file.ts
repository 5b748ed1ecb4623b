/**
 * A whole MP4 file for an answer: the batch's `--video`. Written under a temporary name in the
 * target folder and renamed into place, so a kill or a failure never leaves half a video.
 *
 * The still engine writes its faststart file directly. Any other engine streams fragmented MP4;
 * its segments are gathered into a temporary file and remuxed (no re-encoding) into a faststart
 * MP4 cut to the audio's length.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { once } from 'node:events';
import path from 'node:path';
import { PersonaError } from '../errors.js';
import type { AvatarEngine } from './avatar-engine.js';
import { runFfmpeg } from './run-ffmpeg.js';
import type { StillAvatarEngine } from './still/still-engine.js';

export async function renderVideoFile(
  engine: AvatarEngine,
  pcm: Int16Array,
  sampleRate: number,
  portrait: string,
  outFile: string,
  signal?: AbortSignal,
): Promise<{ seconds: number }> {
  if (pcm.length === 0) throw new PersonaError('input-unsupported', `${outFile}: there is no audio to make a video of`);
  const seconds = pcm.length / sampleRate;
  const temporary = temporaryName(outFile, '.mp4');
  const fragments = temporaryName(outFile, '.fragments.mp4');
  try {
    if (isStill(engine)) {
      await engine.renderFile(pcm, sampleRate, portrait, temporary, signal);
    } else {
      await gatherSegments(engine, pcm, sampleRate, portrait, fragments, signal);
      await runFfmpeg(
        ['-nostdin', '-hide_banner', '-v', 'error', '-i', fragments, '-c', 'copy', '-t', seconds.toFixed(3), '-movflags', '+faststart', '-f', 'mp4', '-y', temporary],
        { signal, what: `the video ${outFile}` },
      );
    }
    if (signal?.aborted) throw new PersonaError('aborted', `the video ${outFile} was interrupted`, { cause: signal.reason });
    await rename(temporary, outFile);
  } finally {
    await rm(temporary, { force: true });
    await rm(fragments, { force: true });
  }
  return { seconds };
}

async function gatherSegments(engine: AvatarEngine, pcm: Int16Array, sampleRate: number, portrait: string, file: string, signal?: AbortSignal): Promise<void> {
  const out = createWriteStream(file);
  const failed = once(out, 'error').then(([error]) => {
    throw error;
  });
  failed.catch(() => undefined);
  let count = 0;
  try {
    for await (const segment of engine.render(single({ pcm, sampleRate }), portrait, { signal })) {
      count += 1;
      if (!out.write(segment.data)) await Promise.race([once(out, 'drain'), failed]);
    }
  } finally {
    out.end();
    await Promise.race([once(out, 'close'), failed]);
  }
  if (signal?.aborted) throw new PersonaError('aborted', `the video over ${portrait} was interrupted`, { cause: signal.reason });
  if (count === 0) throw new PersonaError('service-unavailable', `the ${engine.id} avatar made no video for ${portrait}`, { retryable: true });
}

function isStill(engine: AvatarEngine): engine is StillAvatarEngine {
  return engine.id === 'still' && typeof (engine as Partial<StillAvatarEngine>).renderFile === 'function';
}

function temporaryName(file: string, suffix: string): string {
  // A leading dot hides it from listings and from the batch's resume scan; the pid and random part keep concurrent runs apart.
  return path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp${suffix}`);
}

async function* single<T>(value: T): AsyncGenerator<T> {
  yield value;
}
