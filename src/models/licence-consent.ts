/**
 * `MODELS/consent.json`: which model licences were accepted, when and how. Consent is asked
 * once per model; a manifest that changes the licence or its commercial terms asks again.
 */
import path from 'node:path';
import { z } from 'zod';
import { readJsonRecordFile, writeJsonRecordFile } from './json-record-file.js';
import type { ModelEntry } from './model-manifest.js';
import { consentFileName } from './model-paths.js';

const consentSchema = z.object({
  licence: z.string(),
  commercialUse: z.boolean(),
  acceptedAt: z.string(),
  /** 'prompt': someone answered yes at a terminal; 'flag': a script passed --accept-licence. */
  via: z.enum(['prompt', 'flag']),
});

const consentFileSchema = z.object({
  $comment: z.string().optional(),
  models: z.record(z.string(), consentSchema),
});

export type LicenceConsent = z.infer<typeof consentSchema>;

export function consentFileOf(modelsFolder: string): string {
  return path.join(modelsFolder, consentFileName);
}

export function hasLicenceConsent(modelsFolder: string, model: ModelEntry): boolean {
  const consent = readConsentFile(modelsFolder).models[model.name];
  return consent !== undefined && consent.licence === model.licence && consent.commercialUse === model.commercialUse;
}

export function recordLicenceConsent(modelsFolder: string, model: ModelEntry, via: LicenceConsent['via']): void {
  const contents = readConsentFile(modelsFolder);
  contents.models[model.name] = { licence: model.licence, commercialUse: model.commercialUse, acceptedAt: new Date().toISOString(), via };
  writeJsonRecordFile(consentFileOf(modelsFolder), {
    $comment: 'Model licences accepted on this machine (`persona models pull`). Delete an entry to be asked again.',
    models: contents.models,
  });
}

function readConsentFile(modelsFolder: string): z.infer<typeof consentFileSchema> {
  return readJsonRecordFile(consentFileOf(modelsFolder), consentFileSchema, { models: {} });
}
