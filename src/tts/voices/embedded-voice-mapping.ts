/**
 * Lets a session ask an embedded engine (flite, espeak) for a persona's voice by its folder
 * name: `voices/NAME/voice.json` maps NAME to the engine's closest built-in voice, and a
 * voice without a mapping gets the engine's default instead of an "unknown voice" error.
 * Names that are not voice folders (`slt`, `en-us+f3`) go to the engine unchanged.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import type { AudioChunk, SynthesizeOptions, TtsEngine } from '../tts-engine.js';
import { isVoiceName } from './voice-name.js';
import { readVoiceSettings } from './voice-settings.js';

/** The engine's own voice for `voice`: the mapped one, undefined for the engine's default, or `voice` itself. */
export async function embeddedVoiceFor(voicesFolder: string, engineId: string, voice: string | undefined): Promise<string | undefined> {
  if (voice === undefined || !isVoiceName(voice)) return voice;
  const folder = path.join(voicesFolder, voice);
  if (!existsSync(folder) || !statSync(folder).isDirectory()) return voice;
  const settings = await readVoiceSettings(folder);
  return settings.embedded?.[engineId];
}

export function withEmbeddedVoiceMapping(engine: TtsEngine, voicesFolder: string): TtsEngine {
  async function* synthesize(text: string, options: SynthesizeOptions = {}): AsyncGenerator<AudioChunk> {
    const voice = await embeddedVoiceFor(voicesFolder, engine.id, options.voice);
    yield* engine.synthesize(text, { ...options, voice });
  }
  return {
    id: engine.id,
    capabilities: engine.capabilities,
    synthesize,
    close: () => engine.close(),
  };
}
