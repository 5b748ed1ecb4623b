/**
 * A voice's name is its folder's name under `voices/`, so it must be safe as one path part
 * and match what the XTTS worker accepts (`workers/xtts/server.py`).
 */
import { TtsError } from '../tts-engine.js';

export const voiceNamePattern = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

export function isVoiceName(name: string): boolean {
  return voiceNamePattern.test(name);
}

export function checkVoiceName(name: string): string {
  if (!isVoiceName(name)) {
    throw new TtsError('input-unsupported', `voice name ${JSON.stringify(name)} is not valid: 1 to 64 letters, digits, "-" and "_", starting with a letter or digit`);
  }
  return name;
}
