/**
 * The avatar contract: a turn's audio (a stream of PCM chunks) and a portrait image in,
 * video segments out. Engines: still (embedded default: the portrait and the audio muxed by
 * ffmpeg) and wav2lip (lip-synced, on GPU workers, `workers/wav2lip`); MuseTalk (MIT) is the
 * planned second lip-sync engine, hence the open `id`.
 *
 * Segments are fragmented MP4: the first carries the init (ftyp + moov) and the first
 * fragment, every later one is one or more moof + mdat pairs, so each can be appended to a
 * Media Source Extensions SourceBuffer as it arrives, and their concatenation is a playable
 * file. An abort ends the stream quietly.
 */
import type { AudioChunk } from '../tts/tts-engine.js';

export interface VideoSegment {
  /** 0, 1, 2, … in order. */
  index: number;
  /** For `MediaSource.isTypeSupported` / `addSourceBuffer`, e.g. `video/mp4; codecs="avc1.42C01E, mp4a.40.2"`. */
  mimeType: string;
  data: Uint8Array;
  /** True on the last segment of the stream. */
  final: boolean;
}

export interface AvatarEngineCapabilities {
  /** Whether video starts before the whole audio is known (still: yes; wav2lip: it needs the whole answer's audio). */
  streamingInput: boolean;
  /** Whether segments come out while later ones are still being made. */
  streamingOutput: boolean;
  /** Whether the mouth moves with the speech. */
  lipSync: boolean;
}

export interface RenderOptions {
  signal?: AbortSignal;
}

export interface AvatarEngine {
  readonly id: 'still' | 'wav2lip' | (string & {});
  readonly capabilities: AvatarEngineCapabilities;
  /** Streams fragmented-MP4 segments for `audio` spoken over `portrait` (a PNG or JPEG file path). */
  render(audio: AsyncIterable<AudioChunk>, portrait: string, options?: RenderOptions): AsyncIterable<VideoSegment>;
  close(): Promise<void>;
}

/**
 * The codec string of the H.264 the shipped ffmpeg's libx264 writes with `-profile:v baseline
 * -level 3.0`: its avcC reads profile 0x42, constraint flags 0xC0 (constrained baseline), level
 * 0x1E; plus AAC-LC. Checked with a box dump of ffmpeg's output, not assumed.
 */
export const fragmentedMp4MimeType = 'video/mp4; codecs="avc1.42C01E, mp4a.40.2"';
