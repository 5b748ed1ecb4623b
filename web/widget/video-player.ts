/**
 * The avatar's video: `video-segment` events carry base64 media, appended through Media
 * Source Extensions one turn at a time. Where MSE lacks the type (or the segments are
 * whole files rather than fragments MSE can join), each segment plays as its own clip.
 */
import type { ServerEvent } from '../../src/events.js';

type VideoSegment = Extract<ServerEvent, { type: 'video-segment' }>;

export interface VideoPlayer {
  append(segment: VideoSegment): void;
  /** Stops and forgets the current turn's video (barge-in, new session). */
  reset(): void;
}

function decodeBase64(data: string): Uint8Array<ArrayBuffer> {
  const text = atob(data);
  const bytes = new Uint8Array(text.length);
  for (let index = 0; index < text.length; index++) bytes[index] = text.charCodeAt(index);
  return bytes;
}

export function createVideoPlayer(video: HTMLVideoElement, onError: (message: string) => void): VideoPlayer {
  let turn: number | undefined;
  let objectUrl: string | undefined;
  let pending: Array<Uint8Array<ArrayBuffer>> = [];
  let buffer: SourceBuffer | undefined;
  let clips: string[] = [];
  let useClips = false;

  const play = (): void => void video.play().catch(() => undefined);

  function feed(): void {
    if (!buffer || buffer.updating) return;
    const next = pending.shift();
    if (!next) return;
    try {
      buffer.appendBuffer(next);
    } catch (error) {
      onError(`The video could not be played: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  function playNextClip(): void {
    const next = clips.shift();
    if (!next) return;
    if (objectUrl) URL.revokeObjectURL(objectUrl);
    objectUrl = next;
    video.src = next;
    play();
  }

  function start(segment: VideoSegment): void {
    reset();
    turn = segment.turn;
    useClips = typeof MediaSource === 'undefined' || !MediaSource.isTypeSupported(segment.mimeType);
    if (useClips) {
      video.onended = playNextClip;
      return;
    }
    const source = new MediaSource();
    objectUrl = URL.createObjectURL(source);
    video.src = objectUrl;
    source.addEventListener(
      'sourceopen',
      () => {
        try {
          buffer = source.addSourceBuffer(segment.mimeType);
          buffer.mode = 'sequence';
          buffer.addEventListener('updateend', feed);
          feed();
          play();
        } catch (error) {
          onError(`The video type ${segment.mimeType} cannot be played here: ${error instanceof Error ? error.message : String(error)}`);
        }
      },
      { once: true },
    );
  }

  function reset(): void {
    turn = undefined;
    buffer = undefined;
    pending = [];
    for (const clip of clips) URL.revokeObjectURL(clip);
    clips = [];
    video.onended = null;
    video.removeAttribute('src');
    video.load();
    if (objectUrl) URL.revokeObjectURL(objectUrl);
    objectUrl = undefined;
  }

  return {
    append(segment) {
      if (segment.turn !== turn) start(segment);
      video.hidden = false;
      const bytes = decodeBase64(segment.data);
      if (useClips) {
        clips.push(URL.createObjectURL(new Blob([bytes], { type: segment.mimeType.split(';')[0] })));
        if (!objectUrl || video.ended) playNextClip();
        return;
      }
      pending.push(bytes);
      feed();
    },
    reset() {
      reset();
      video.hidden = true;
    },
  };
}
