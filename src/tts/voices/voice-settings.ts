/**
 * `voices/NAME/voice.json` (optional): which built-in voice the embedded engines use when a
 * session asks for NAME, so a fallback to flite or espeak still sounds roughly like the
 * person (a female voice for a woman, the right accent) rather than the engine's default.
 * Example: `{ "embedded": { "flite": "slt", "espeak": "en-us+f3" } }`.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { TtsError } from '../tts-engine.js';

export const voiceSettingsFileName = 'voice.json';

export const voiceSettingsSchema = z.object({
  /** Engine id → that engine's voice name. */
  embedded: z.record(z.string(), z.string().min(1)).optional(),
});

export type VoiceSettings = z.infer<typeof voiceSettingsSchema>;

export async function readVoiceSettings(voiceFolder: string): Promise<VoiceSettings> {
  const file = path.join(voiceFolder, voiceSettingsFileName);
  if (!existsSync(file)) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new TtsError('config-invalid', `${file} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  const result = voiceSettingsSchema.safeParse(parsed);
  if (!result.success) {
    throw new TtsError('config-invalid', `${file}: ${result.error.issues.map((issue) => `${issue.path.join('.') || 'the file'}: ${issue.message}`).join('; ')}`);
  }
  return result.data;
}
