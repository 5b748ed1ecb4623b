/**
 * The portrait for a voice: `voices/NAME/portrait.png` (or `.jpg`, `.jpeg`) beside the
 * voice's clips, else the default silhouette shipped with the code, so `--video` always has
 * a picture. Undefined only when the shipped default itself is missing (a broken install).
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { InputError } from '../errors.js';
import { isVoiceName } from '../tts/voices/voice-name.js';
import { defaultPortraitPath } from './draw-default-portrait.js';

const portraitNames = ['portrait.png', 'portrait.jpg', 'portrait.jpeg'];

export function findPortrait(voicesFolder: string, voiceName?: string): string | undefined {
  if (voiceName !== undefined && voiceName !== '') {
    // A name that is a path (../x) must not reach outside the voices folder.
    if (!isVoiceName(voiceName)) {
      throw new InputError('input-unsupported', voiceName, 'is not a voice name (letters, digits, "-" and "_", up to 64)');
    }
    for (const name of portraitNames) {
      const candidate = path.join(voicesFolder, voiceName, name);
      if (isFile(candidate)) return candidate;
    }
  }
  return existsSync(defaultPortraitPath) ? defaultPortraitPath : undefined;
}

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}
