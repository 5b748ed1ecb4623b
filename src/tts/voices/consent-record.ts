/**
 * `voices/NAME/consent.json`: who agreed to their voice being used, when, and for what.
 * Validated here and again by the XTTS worker (workers/xtts/server.py `consent_problem`);
 * cloning needs `voice-cloning` among the purposes.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { TtsError } from '../tts-engine.js';

export const cloningPurpose = 'voice-cloning';
export const consentFileName = 'consent.json';

export const consentRecordSchema = z.object({
  /** The voice (folder) this consent is for. */
  voice: z.string().min(1),
  /** Who gave consent: the person whose voice it is, or their legal representative. */
  consentBy: z.string().trim().min(1, 'must name who consented'),
  /** When consent was given: an ISO 8601 date or date-time. */
  grantedAt: z.union([z.iso.datetime({ offset: true }), z.iso.date()], { error: 'must be an ISO 8601 date or date-time, e.g. 2025-03-04T10:15:00Z' }),
  /** What the voice may be used for: `voice-cloning`, and any others agreed (e.g. `public-demo`). */
  purposes: z.array(z.string().trim().min(1)).min(1, 'must list at least one purpose'),
  recordedBy: z.string().optional(),
  notes: z.string().optional(),
});

export type ConsentRecord = z.infer<typeof consentRecordSchema>;

export type ConsentReading = { status: 'missing' } | { status: 'invalid'; problem: string } | { status: 'valid'; consent: ConsentRecord };

/** Reads and validates the consent of the voice in `voiceFolder`, never throwing for a bad file (listing shows the problem). */
export async function readConsent(voiceFolder: string): Promise<ConsentReading> {
  const file = path.join(voiceFolder, consentFileName);
  if (!existsSync(file)) return { status: 'missing' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    return { status: 'invalid', problem: `${file} is not valid JSON: ${(error as Error).message}` };
  }
  const result = consentRecordSchema.safeParse(parsed);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.') || 'the file'}: ${issue.message}`);
    return { status: 'invalid', problem: `${file}: ${problems.join('; ')}` };
  }
  const name = path.basename(voiceFolder);
  if (result.data.voice !== name) {
    return { status: 'invalid', problem: `${file}: "voice" is ${JSON.stringify(result.data.voice)} but the folder is ${JSON.stringify(name)}` };
  }
  return { status: 'valid', consent: result.data };
}

/** The consent, or a TtsError saying what is missing; used where a bad file must stop the caller. */
export async function requireConsent(voiceFolder: string): Promise<ConsentRecord> {
  const reading = await readConsent(voiceFolder);
  if (reading.status === 'valid') return reading.consent;
  if (reading.status === 'invalid') throw new TtsError('input-unsupported', reading.problem);
  throw new TtsError('input-unsupported', `voice "${path.basename(voiceFolder)}" has no ${consentFileName} in ${voiceFolder}`);
}
