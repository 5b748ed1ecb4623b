/**
 * Sends one turn's speech to the client in short frames, at most `leadMs` ahead of real
 * time. Pacing keeps the turn "speaking" for as long as the listener hears it, so a barge-in
 * still finds most of the answer unsent, and an interrupted turn wastes no bandwidth. All
 * audio of a session goes out at one rate; engines with other rates are resampled.
 */
import { sleep } from '../abortable-sleep.js';
import { createLinearResampler, type LinearResampler } from '../tts/espeak/linear-resampler.js';
import type { AudioChunk } from '../tts/tts-engine.js';

export interface PacedAudioSender {
  /** Sends a chunk (waiting as pacing requires); resolves early and sends nothing once `signal` aborts. */
  send(chunk: AudioChunk): Promise<void>;
}

export interface PacedAudioSenderOptions {
  sampleRate: number;
  frameMs?: number;
  leadMs?: number;
  signal: AbortSignal;
  /** Called once, before the first frame. */
  onStart(): void;
  sendFrame(pcm: Int16Array): void;
}

export function createPacedAudioSender(options: PacedAudioSenderOptions): PacedAudioSender {
  const frameSamples = Math.round((options.sampleRate * (options.frameMs ?? 40)) / 1000);
  const leadMs = options.leadMs ?? 1000;
  const resamplers = new Map<number, LinearResampler>();
  let sentSamples = 0;
  let startedAt: number | undefined;

  const resampled = (chunk: AudioChunk): Int16Array => {
    let resampler = resamplers.get(chunk.sampleRate);
    if (!resampler) {
      resampler = createLinearResampler(chunk.sampleRate, options.sampleRate);
      resamplers.set(chunk.sampleRate, resampler);
    }
    return resampler.push(chunk.pcm);
  };

  return {
    async send(chunk) {
      const pcm = resampled(chunk);
      for (let offset = 0; offset < pcm.length; offset += frameSamples) {
        if (options.signal.aborted) return;
        if (startedAt === undefined) {
          options.onStart();
          startedAt = performance.now();
        }
        const ahead = (sentSamples / options.sampleRate) * 1000 - (performance.now() - startedAt);
        if (ahead > leadMs) {
          try {
            await sleep(ahead - leadMs, options.signal);
          } catch {
            return;
          }
        }
        const frame = pcm.subarray(offset, Math.min(pcm.length, offset + frameSamples));
        options.sendFrame(frame);
        sentSamples += frame.length;
      }
    },
  };
}
