/** Reference clips for the voice tests, spoken by espeak-ng and converted by the real ffmpeg. */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { ffmpegPath } from '../../../src/audio/ffmpeg-path.js';

const sentence = 'The quick brown fox jumps over the lazy dog near the river bank while the sun sets slowly behind the hills.';

/** About 6 s of speech per repeat, as `format` (wav, mp3, ogg, flac), optionally amplified until it clips. */
export function makeClip(folder: string, name: string, options: { repeats?: number; format?: string; gainDecibels?: number } = {}): string {
  const wav = path.join(folder, `${name}.source.wav`);
  const text = Array.from({ length: options.repeats ?? 1 }, () => sentence).join(' ');
  const spoken = spawnSync('espeak-ng', ['-v', 'en-us', '-s', '160', '-w', wav, text], { encoding: 'utf8' });
  if (spoken.status !== 0) throw new Error(`espeak-ng failed: ${spoken.stderr}`);
  const file = path.join(folder, `${name}.${options.format ?? 'wav'}`);
  const filter = options.gainDecibels ? ['-af', `volume=${options.gainDecibels}dB`] : [];
  const converted = spawnSync(ffmpegPath(), ['-v', 'error', '-y', '-i', wav, ...filter, file], { encoding: 'utf8' });
  if (converted.status !== 0) throw new Error(`ffmpeg failed: ${converted.stderr}`);
  return file;
}
