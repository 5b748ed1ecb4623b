/**
 * Live video for a session that asked for it: the turn's audio chunks, as they are produced,
 * become fragmented-MP4 segments for `video-segment` events (the caller adds the turn id and
 * base64-encodes `data`). The still engine makes one fMP4 stream per turn with a segment per
 * second of audio; the first segment carries the init, so a client opens a fresh SourceBuffer
 * (or resets it) on a turn's segment 0. An abort (barge-in) stops ffmpeg and ends the stream
 * quietly. Callers that also play the audio must give this its own copy of the chunks
 * (e.g. by teeing the stream): it reads its iterable to the end.
 */
import type { AvatarEngine } from '../avatar/avatar-engine.js';
import { createStillAvatarEngine } from '../avatar/still/still-engine.js';
import type { AudioChunk } from '../tts/tts-engine.js';

export interface LiveVideoSegment {
  index: number;
  mimeType: string;
  data: Uint8Array;
}

export interface VideoStreamOptions {
  signal?: AbortSignal;
  /** Defaults to a still engine made (and closed) for this stream. */
  engine?: AvatarEngine;
}

export async function* streamTurnVideo(audio: AsyncIterable<AudioChunk>, portrait: string, options: VideoStreamOptions = {}): AsyncGenerator<LiveVideoSegment> {
  const engine = options.engine ?? createStillAvatarEngine();
  try {
    for await (const segment of engine.render(audio, portrait, { signal: options.signal })) {
      if (options.signal?.aborted) return;
      yield { index: segment.index, mimeType: segment.mimeType, data: segment.data };
    }
  } finally {
    if (!options.engine) await engine.close();
  }
}
