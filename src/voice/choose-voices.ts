/**
 * The voices a session speaks with. A cloning engine (XTTS) speaks a voice folder only when
 * that voice has consent for cloning; otherwise, and as the fallback, the embedded engine
 * speaks, with the built-in voice the folder's `voice.json` names for it. Problems become
 * warnings the session shows; they never stop the session.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describeError } from '../errors.js';
import type { TtsEngine } from '../tts/tts-engine.js';
import { requireCloningConsent } from '../tts/voices/require-cloning-consent.js';
import { isVoiceName } from '../tts/voices/voice-name.js';
import { readVoiceSettings, type VoiceSettings } from '../tts/voices/voice-settings.js';
import type { PersonaRuntime } from './persona-runtime.js';
import type { VoiceChoice } from './speak-with-fallback.js';

export interface SessionVoices {
  /** The voice asked for, or "default". */
  name: string;
  primary: VoiceChoice;
  fallback: VoiceChoice;
  /** The rate all of the session's audio is sent at: the primary engine's. */
  sampleRate: number;
  warnings: string[];
}

export async function chooseVoices(
  runtime: Pick<PersonaRuntime, 'config' | 'tts' | 'embeddedTts'>,
  requested: string | undefined,
  options: { quiet?: boolean } = {},
): Promise<SessionVoices> {
  const warnings: string[] = [];
  const warn = (message: string): void => {
    if (!options.quiet) warnings.push(message);
  };
  const folder = requested && isVoiceName(requested) ? path.join(runtime.config.voicesFolder, requested) : undefined;
  let settings: VoiceSettings = {};
  if (requested && (!folder || !existsSync(folder))) {
    warn(`no voice "${requested}" in ${runtime.config.voicesFolder}; speaking with the default voice`);
  } else if (folder) {
    settings = await readVoiceSettings(folder).catch((error: unknown) => {
      warn(describeError(error));
      return {};
    });
  }
  const builtIn = (engine: TtsEngine): VoiceChoice => ({ engine, voice: settings.embedded?.[engine.id] });
  const fallback = builtIn(runtime.embeddedTts);

  let primary: VoiceChoice = runtime.tts === runtime.embeddedTts ? fallback : builtIn(runtime.tts);
  if (runtime.tts.capabilities.cloning) {
    primary = fallback;
    if (!requested) {
      warn(`the ${runtime.tts.id} engine clones a voice: name one in session-start ("voice"); speaking with the embedded voice`);
    } else if (folder && existsSync(folder)) {
      try {
        await requireCloningConsent(runtime.config.voicesFolder, requested);
        primary = { engine: runtime.tts, voice: requested };
      } catch (error) {
        warn(`${describeError(error)}; speaking with the embedded voice`);
      }
    }
  }
  return { name: requested ?? 'default', primary, fallback, sampleRate: primary.engine.capabilities.sampleRate, warnings };
}
