/** Seconds of audio ffmpeg decodes from a file; fails the test when ffmpeg cannot decode it. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { ffmpegPath } from '../../src/audio/ffmpeg-path.js';

export function decodedSeconds(file: string): number {
  const result = spawnSync(ffmpegPath(), ['-v', 'error', '-i', file, '-f', 's16le', '-ac', '1', '-ar', '16000', 'pipe:1'], { maxBuffer: 256 * 1024 * 1024 });
  assert.equal(result.status, 0, `ffmpeg decodes ${file}: ${result.stderr?.toString()}`);
  return result.stdout.length / 2 / 16000;
}
