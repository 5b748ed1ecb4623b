/**
 * `MODELS/checksums.json`: the sha256 of each file whose manifest entry has none, computed
 * at its first verified download. Later downloads of the same URL must match it, so a
 * changed or tampered file on the server is caught even without a publisher checksum.
 * It is local (git-ignored): the committed manifest only changes when a person edits it.
 */
import path from 'node:path';
import { z } from 'zod';
import { readJsonRecordFile, writeJsonRecordFile } from './json-record-file.js';
import { checksumsFileName } from './model-paths.js';

const recordedChecksumSchema = z.object({
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  sizeBytes: z.number().int().nonnegative(),
  /** The checksum belongs to this URL; a manifest pointing elsewhere starts a new record. */
  url: z.string(),
  recordedAt: z.string(),
});

const checksumsFileSchema = z.object({
  $comment: z.string().optional(),
  models: z.record(z.string(), z.record(z.string(), recordedChecksumSchema)),
});

export type RecordedChecksum = z.infer<typeof recordedChecksumSchema>;

const comment =
  'sha256 of model files whose manifest entry has none, recorded by `persona models pull` at the first verified download; later downloads must match. Delete an entry if the publisher has really changed the file.';

export function checksumsFileOf(modelsFolder: string): string {
  return path.join(modelsFolder, checksumsFileName);
}

/** The recorded checksum of this file, if one was recorded for the same URL. */
export function readRecordedChecksum(modelsFolder: string, model: string, filePath: string, url: string): RecordedChecksum | undefined {
  const recorded = readChecksumsFile(modelsFolder).models[model]?.[filePath];
  return recorded?.url === url ? recorded : undefined;
}

export function recordChecksum(modelsFolder: string, model: string, filePath: string, checksum: RecordedChecksum): void {
  const contents = readChecksumsFile(modelsFolder);
  contents.models[model] = { ...contents.models[model], [filePath]: checksum };
  writeJsonRecordFile(checksumsFileOf(modelsFolder), { $comment: comment, models: contents.models });
}

function readChecksumsFile(modelsFolder: string): z.infer<typeof checksumsFileSchema> {
  return readJsonRecordFile(checksumsFileOf(modelsFolder), checksumsFileSchema, { models: {} });
}
