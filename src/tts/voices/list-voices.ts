/**
 * The voice registry: one folder per voice under the voices folder (`config.voicesFolder`),
 * each with its reference clips, its consent and, optionally, its embedded-voice mapping.
 * Listing never fails on one bad voice: a broken consent.json is reported on that voice.
 */
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { isClipFile } from './add-voice.js';
import { clipDuration } from './clip-duration.js';
import { cloningPurpose, readConsent } from './consent-record.js';
import { isVoiceName } from './voice-name.js';
import { readVoiceSettings } from './voice-settings.js';

export interface VoiceClipListing {
  file: string;
  /** Undefined when the file's length cannot be read (a damaged file). */
  seconds: number | undefined;
}

export interface VoiceListing {
  name: string;
  folder: string;
  clips: VoiceClipListing[];
  totalSeconds: number;
  /** Who consented, when, to what; null without a valid consent.json. */
  consent: { consentBy: string; grantedAt: string; purposes: string[]; recordedBy?: string } | null;
  /** Why consent.json cannot be used (missing, or what is wrong in it); null when it is valid. */
  consentProblem: string | null;
  /** Consent includes voice-cloning and there is at least one clip. */
  usableForCloning: boolean;
  /** Engine id → built-in voice (voice.json), for the embedded engines. */
  embedded: Record<string, string>;
}

export async function listVoices(voicesFolder: string): Promise<VoiceListing[]> {
  if (!existsSync(voicesFolder)) return [];
  const entries = await readdir(voicesFolder, { withFileTypes: true });
  const names = entries.filter((entry) => entry.isDirectory() && isVoiceName(entry.name)).map((entry) => entry.name).sort();
  return Promise.all(names.map((name) => describeVoice(voicesFolder, name)));
}

export async function describeVoice(voicesFolder: string, name: string): Promise<VoiceListing> {
  const folder = path.join(voicesFolder, name);
  const files = (await readdir(folder)).filter(isClipFile).sort();
  const clips = await Promise.all(files.map(async (file) => ({ file, seconds: await clipDuration(path.join(folder, file)).catch(() => undefined) })));
  const totalSeconds = clips.reduce((sum, clip) => sum + (clip.seconds ?? 0), 0);
  const reading = await readConsent(folder);
  const consent =
    reading.status === 'valid'
      ? {
          consentBy: reading.consent.consentBy,
          grantedAt: reading.consent.grantedAt,
          purposes: reading.consent.purposes,
          ...(reading.consent.recordedBy ? { recordedBy: reading.consent.recordedBy } : {}),
        }
      : null;
  const consentProblem = reading.status === 'missing' ? 'no consent.json' : reading.status === 'invalid' ? reading.problem : null;
  let embedded: Record<string, string> = {};
  try {
    embedded = (await readVoiceSettings(folder)).embedded ?? {};
  } catch {
    // A broken voice.json only loses the mapping; the embedded engine's default voice is used.
  }
  return {
    name,
    folder,
    clips,
    totalSeconds,
    consent,
    consentProblem,
    usableForCloning: consent !== null && consent.purposes.includes(cloningPurpose) && clips.length > 0,
    embedded,
  };
}
