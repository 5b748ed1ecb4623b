/**
 * The still avatar, the embedded default: the portrait held on screen while the audio plays,
 * muxed by ffmpeg into H.264 + AAC. No GPU, no model, no lip movement.
 *
 * `render` is the live mode: one ffmpeg per stream, PCM fed on stdin as it arrives, fragmented
 * MP4 read from stdout and cut into MSE-appendable segments (one per second of audio). A
 * segment goes out as soon as it is whole; only once the audio has ended is one held back,
 * briefly, to mark the last as `final`. An abort (or a consumer that stops reading) kills
 * ffmpeg and ends the stream quietly. `renderFile` is the batch mode: a faststart MP4 exactly
 * as long as the audio.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { PersonaError } from '../../errors.js';
import { ffmpegPath } from '../../audio/ffmpeg-path.js';
import type { AudioChunk } from '../../tts/tts-engine.js';
import { fragmentedMp4MimeType, type AvatarEngine, type RenderOptions, type VideoSegment } from '../avatar-engine.js';
import { checkPortrait } from '../check-portrait.js';
import { splitFragmentedMp4 } from '../fragmented-mp4-segments.js';
import { pcmAtRate } from '../pcm-at-rate.js';
import { runFfmpeg } from '../run-ffmpeg.js';
import { stillFileArguments, stillLiveArguments } from './still-ffmpeg-arguments.js';

export interface StillAvatarEngine extends AvatarEngine {
  readonly id: 'still';
  /** Writes a whole faststart MP4 to `outFile` (not atomically: `renderVideoFile` renames it into place). */
  renderFile(pcm: Int16Array, sampleRate: number, portrait: string, outFile: string, signal?: AbortSignal): Promise<void>;
  /** Ids of the ffmpeg processes running now (for diagnostics and tests). */
  readonly processIds: number[];
}

export function createStillAvatarEngine(): StillAvatarEngine {
  const running = new Set<ChildProcess>();
  let closed = false;

  async function* render(audio: AsyncIterable<AudioChunk>, portrait: string, options: RenderOptions = {}): AsyncGenerator<VideoSegment> {
    const { signal } = options;
    if (signal?.aborted || closed) return;
    await checkPortrait(portrait);
    const iterator = audio[Symbol.asyncIterator]();
    let onAbort: (() => void) | undefined;
    const aborted = new Promise<'aborted'>((resolve) => {
      onAbort = () => resolve('aborted');
      signal?.addEventListener('abort', onAbort, { once: true });
    });
    let child: ChildProcess | undefined;
    let sourceDone = false;
    try {
      // The sample rate of the first audio fixes the track's; no audio, no video.
      let first: AudioChunk | undefined;
      while (!first) {
        const next = await Promise.race([iterator.next(), aborted]);
        if (next === 'aborted' || signal?.aborted) return;
        if (next.done) {
          sourceDone = true;
          return;
        }
        if (next.value.pcm.length > 0) first = next.value;
      }
      const sampleRate = first.sampleRate;
      const process = spawn(ffmpegPath(), stillLiveArguments(portrait, sampleRate), { stdio: ['pipe', 'pipe', 'pipe'] });
      child = process;
      running.add(process);
      const exited = once(process, 'close').then(
        ([code]) => code as number | null,
        () => null,
      );
      try {
        await once(process, 'spawn');
      } catch (error) {
        throw new PersonaError('service-unavailable', `ffmpeg (${ffmpegPath()}) cannot start for the still avatar: ${(error as Error).message}`, { cause: error });
      }
      let stderr = '';
      process.stderr!.setEncoding('utf8');
      process.stderr!.on('data', (data: string) => {
        if (stderr.length < 4000) stderr += data;
      });
      // A killed ffmpeg closes stdin under the feeder: EPIPE is expected then.
      process.stdin!.on('error', () => undefined);

      let inputEnded = false;
      let feedError: unknown;
      const write = async (pcm: Int16Array): Promise<void> => {
        if (pcm.length === 0) return;
        const bytes = Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength);
        if (!process.stdin!.write(bytes)) await Promise.race([once(process.stdin!, 'drain'), exited]);
      };
      void (async () => {
        await write(first.pcm);
        for (;;) {
          const next = await Promise.race([iterator.next(), aborted]);
          if (next === 'aborted' || process.exitCode !== null || process.signalCode !== null) return;
          if (next.done) break;
          await write(pcmAtRate(next.value.pcm, next.value.sampleRate, sampleRate));
        }
        sourceDone = true;
        inputEnded = true;
        process.stdin!.end();
      })().catch((error: unknown) => {
        feedError = error ?? new Error('the audio source failed');
        process.kill('SIGKILL');
      });

      let index = 0;
      let held: Uint8Array | undefined;
      for await (const data of splitFragmentedMp4(process.stdout as AsyncIterable<Uint8Array>, 'the still avatar\'s ffmpeg output')) {
        if (signal?.aborted) return;
        if (held) {
          yield { index: index++, mimeType: fragmentedMp4MimeType, data: held, final: false };
          held = undefined;
          if (signal?.aborted) return;
        }
        if (inputEnded) held = data;
        else {
          yield { index: index++, mimeType: fragmentedMp4MimeType, data, final: false };
          if (signal?.aborted) return;
        }
      }
      const code = await exited;
      if (feedError !== undefined) throw feedError;
      if (signal?.aborted) return;
      if (code !== 0) {
        const last = stderr.trim().split('\n').at(-1);
        throw new PersonaError('service-unavailable', `ffmpeg failed to render the still avatar over ${portrait} (exit ${code})${last ? `: ${last}` : ''}`);
      }
      if (held) yield { index: index++, mimeType: fragmentedMp4MimeType, data: held, final: true };
    } finally {
      if (onAbort) signal?.removeEventListener('abort', onAbort);
      if (child) {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
        if (child.exitCode === null && child.signalCode === null) await once(child, 'close').catch(() => undefined);
        running.delete(child);
      }
      // A source still suspended in next() is told to clean up; its answer is not awaited.
      if (!sourceDone) iterator.return?.()?.then(undefined, () => undefined);
    }
  }

  const renderFile = async (pcm: Int16Array, sampleRate: number, portrait: string, outFile: string, signal?: AbortSignal): Promise<void> => {
    if (pcm.length === 0) throw new PersonaError('input-unsupported', `${outFile}: there is no audio to make a video of`);
    if (!Number.isInteger(sampleRate) || sampleRate < 1000 || sampleRate > 192000) {
      throw new PersonaError('input-unsupported', `${outFile}: sample rate must be an integer from 1000 to 192000 Hz, got ${sampleRate}`);
    }
    await checkPortrait(portrait);
    const bytes = new Uint8Array(pcm.buffer, pcm.byteOffset, pcm.byteLength);
    await runFfmpeg(stillFileArguments(portrait, sampleRate, pcm.length / sampleRate, outFile), { input: bytes, signal, what: `the video ${outFile}` });
  };

  return {
    id: 'still',
    capabilities: { streamingInput: true, streamingOutput: true, lipSync: false },
    render: (audio, portrait, options) => render(audio, portrait, options),
    renderFile,
    get processIds() {
      return [...running].flatMap((child) => (child.pid === undefined ? [] : [child.pid]));
    },
    close: async () => {
      closed = true;
      for (const child of running) child.kill('SIGKILL');
    },
  };
}
