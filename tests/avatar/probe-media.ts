/** What ffmpeg itself reads from a media file: its duration, its streams, and whether it decodes to the end. */
import { spawnSync } from 'node:child_process';
import { ffmpegPath } from '../../src/audio/ffmpeg-path.js';

export interface MediaProbe {
  seconds: number;
  streams: string[];
}

export function probeMedia(file: string): MediaProbe {
  const result = spawnSync(ffmpegPath(), ['-hide_banner', '-i', file], { encoding: 'utf8' });
  const duration = /Duration: (\d+):(\d+):(\d+(?:\.\d+)?)/.exec(result.stderr);
  if (!duration) throw new Error(`ffmpeg found no duration in ${file}:\n${result.stderr}`);
  const seconds = Number(duration[1]) * 3600 + Number(duration[2]) * 60 + Number(duration[3]);
  const streams = [...result.stderr.matchAll(/Stream #\d+:\d+.*?: (Video|Audio): (\w+)/g)].map((m) => `${m[1]!.toLowerCase()}:${m[2]}`);
  return { seconds, streams };
}

/** Decodes every frame; returns ffmpeg's complaints (empty when the file is clean). */
export function decodeErrors(file: string): string {
  const result = spawnSync(ffmpegPath(), ['-hide_banner', '-v', 'error', '-i', file, '-f', 'null', '-'], { encoding: 'utf8' });
  return result.status === 0 ? result.stderr.trim() : `exit ${result.status}: ${result.stderr}`;
}

/** A tone with a changing pitch, as PCM16: real audio for ffmpeg to encode, of an exact length. */
export function tone(seconds: number, sampleRate: number): Int16Array {
  const pcm = new Int16Array(Math.round(seconds * sampleRate));
  for (let i = 0; i < pcm.length; i++) pcm[i] = Math.round(8000 * Math.sin((2 * Math.PI * (220 + (i / sampleRate) * 40) * i) / sampleRate));
  return pcm;
}
