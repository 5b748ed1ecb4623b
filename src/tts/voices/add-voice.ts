/**
 * `persona voices add`: makes (or extends) `voices/NAME/` from reference clips in any format
 * ffmpeg reads, plus the consent record. Every clip is decoded and measured before anything
 * is written, so an unreadable clip (named in the error) leaves the folder as it was. Clips
 * are stored as 24 kHz mono PCM16 WAV, the rate XTTS works at. Clips outside 10–30 s, fewer
 * than 5 clips, and clipping are warned about, not refused: a short clip still clones, only
 * less well. consent.json and every clip are written to a temporary name and renamed, so a
 * crash never leaves a half-written file where a reader would take it as whole.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import { encodeWav } from '../../audio/wav-file.js';
import { PersonaError } from '../../errors.js';
import { TtsError } from '../tts-engine.js';
import { clipWarnings, measureClip, recommendedClipCount, type ClipQuality } from './clip-quality.js';
import { consentFileName, consentRecordSchema, type ConsentRecord } from './consent-record.js';
import { decodeClip } from './decode-clip.js';
import { checkVoiceName } from './voice-name.js';
import { writeFileAtomically } from './write-file-atomically.js';

/** The rate clips are stored at: XTTS v2's own. */
export const voiceClipSampleRate = 24000;
export const clipExtensions = ['.wav', '.flac', '.mp3', '.ogg'] as const;

export interface AddVoiceOptions {
  consentBy: string;
  /** Default `['voice-cloning']`. */
  purposes?: string[];
  /** ISO 8601; default now. */
  grantedAt?: string;
  recordedBy?: string;
  notes?: string;
  signal?: AbortSignal;
}

export interface AddedClip {
  /** The file as given. */
  source: string;
  /** The WAV written in the voice folder. */
  file: string;
  quality: ClipQuality;
}

export interface AddVoiceResult {
  voice: string;
  folder: string;
  clips: AddedClip[];
  /** Every clip in the folder now, including ones added before. */
  clipCount: number;
  consent: ConsentRecord;
  warnings: string[];
}

export async function addVoice(voicesFolder: string, name: string, clips: readonly string[], options: AddVoiceOptions): Promise<AddVoiceResult> {
  checkVoiceName(name);
  const { signal } = options;
  if (clips.length === 0) throw new TtsError('input-unsupported', `voice "${name}": give at least one reference clip`);
  const candidate = {
    voice: name,
    consentBy: options.consentBy,
    grantedAt: options.grantedAt ?? new Date().toISOString(),
    purposes: options.purposes && options.purposes.length > 0 ? [...new Set(options.purposes)] : ['voice-cloning'],
    ...(options.recordedBy ? { recordedBy: options.recordedBy } : {}),
    ...(options.notes ? { notes: options.notes } : {}),
  };
  const checked = consentRecordSchema.safeParse(candidate);
  if (!checked.success) {
    throw new TtsError('input-unsupported', `voice "${name}": consent is not valid: ${checked.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
  }
  const consent = checked.data;

  const decoded: { source: string; samples: Int16Array; quality: ClipQuality }[] = [];
  for (const source of clips) {
    if (!existsSync(source)) throw new TtsError('input-unsupported', `${source}: no such file`);
    let samples: Int16Array;
    try {
      samples = await decodeClip(source, voiceClipSampleRate, signal);
    } catch (error) {
      if (signal?.aborted) throw interrupted(name, error);
      throw error;
    }
    decoded.push({ source, samples, quality: measureClip(samples, voiceClipSampleRate) });
  }
  if (signal?.aborted) throw interrupted(name, signal.reason);

  const folder = path.join(voicesFolder, name);
  await mkdir(folder, { recursive: true });
  const taken = new Set((await readdir(folder)).map((file) => file.toLowerCase()));
  const added: AddedClip[] = [];
  const warnings: string[] = [];
  for (const { source, samples, quality } of decoded) {
    const file = path.join(folder, freeClipName(source, taken));
    await writeFileAtomically(file, encodeWav(samples, voiceClipSampleRate));
    added.push({ source, file, quality });
    warnings.push(...clipWarnings(source, quality));
  }
  await writeFileAtomically(path.join(folder, consentFileName), `${JSON.stringify(consent, null, 2)}\n`);

  const clipCount = (await readdir(folder)).filter((file) => isClipFile(file)).length;
  if (clipCount < recommendedClipCount) {
    warnings.push(`voice "${name}" has ${clipCount} clip${clipCount === 1 ? '' : 's'}; ${recommendedClipCount}–10 clean clips of 10–30 s clone best`);
  }
  return { voice: name, folder, clips: added, clipCount, consent, warnings };
}

export function isClipFile(file: string): boolean {
  return (clipExtensions as readonly string[]).includes(path.extname(file).toLowerCase()) && !file.startsWith('.');
}

/** `interview 1.m4a` → `interview-1.wav`; `-2`, `-3`, … when the name is taken. */
function freeClipName(source: string, taken: Set<string>): string {
  const stem = path.basename(source, path.extname(source)).replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '') || 'clip';
  let name = `${stem}.wav`;
  for (let index = 2; taken.has(name.toLowerCase()); index++) name = `${stem}-${index}.wav`;
  taken.add(name.toLowerCase());
  return name;
}

function interrupted(name: string, cause: unknown): PersonaError {
  return new PersonaError('aborted', `adding voice "${name}" was interrupted; nothing was written`, { cause });
}
