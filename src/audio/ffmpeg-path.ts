/**
 * The ffmpeg binary: the static build shipped in `@ffmpeg-installer/ffmpeg` (libopus,
 * libmp3lame, libx264), so no system ffmpeg is needed. `PERSONA_FFMPEG` overrides it.
 */
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { PersonaError } from '../errors.js';

let resolved: string | undefined;

export function ffmpegPath(): string {
  const override = process.env.PERSONA_FFMPEG;
  if (override) return override;
  if (resolved) return resolved;
  const require = createRequire(import.meta.url);
  let candidate: string;
  try {
    candidate = (require('@ffmpeg-installer/ffmpeg') as { path: string }).path;
  } catch (cause) {
    throw new PersonaError('service-unavailable', 'ffmpeg: the @ffmpeg-installer/ffmpeg package has no binary for this platform; set PERSONA_FFMPEG to an ffmpeg binary', { cause });
  }
  if (!existsSync(candidate)) {
    throw new PersonaError('service-unavailable', `ffmpeg: ${candidate} is missing; run npm ci, or set PERSONA_FFMPEG`);
  }
  resolved = candidate;
  return candidate;
}
