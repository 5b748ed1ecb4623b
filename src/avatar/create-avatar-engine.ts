/**
 * The avatar engine a deployment asked for: still (embedded, the default) or wav2lip (GPU
 * workers). Settings come from `config.avatar` once the configuration has that section, else
 * from the environment: `PERSONA_AVATAR_ENGINE` (still | wav2lip) and `PERSONA_WAV2LIP_URLS`
 * (comma-separated worker URLs; setting it alone selects wav2lip).
 */
import { ConfigError } from '../errors.js';
import type { AvatarEngine } from './avatar-engine.js';
import { createStillAvatarEngine } from './still/still-engine.js';
import { createWav2lipAvatarEngine } from './wav2lip/wav2lip-client.js';

export interface AvatarSettings {
  avatar?: {
    engine?: 'still' | 'wav2lip';
    wav2lipWorkers?: string[];
  };
}

export type AvatarEngineName = 'still' | 'wav2lip';

export function createAvatarEngine(config: AvatarSettings = {}, environment: Record<string, string | undefined> = process.env): AvatarEngine {
  const workers =
    config.avatar?.wav2lipWorkers ??
    (environment.PERSONA_WAV2LIP_URLS ?? '')
      .split(',')
      .map((url) => url.trim())
      .filter((url) => url !== '');
  const requested = config.avatar?.engine ?? environment.PERSONA_AVATAR_ENGINE ?? (workers.length > 0 ? 'wav2lip' : 'still');
  if (requested === 'still') return createStillAvatarEngine();
  if (requested === 'wav2lip') {
    if (workers.length === 0) throw new ConfigError('PERSONA_AVATAR_ENGINE=wav2lip needs PERSONA_WAV2LIP_URLS (avatar.wav2lipWorkers): the worker URLs');
    return createWav2lipAvatarEngine({ workers });
  }
  throw new ConfigError(`PERSONA_AVATAR_ENGINE (avatar.engine) must be still or wav2lip, got "${requested}"`);
}
