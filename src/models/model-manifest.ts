/**
 * The model manifest (`models/manifest.json`): every model Persona can download, with
 * each file's URL, sha256 and size, its licence and whether it may be used commercially.
 * Validated on load; every error names the manifest file and the entry at fault.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { ModelError } from './model-error.js';

/** The committed manifest, found next to the source so it does not depend on the working folder. */
export const defaultManifestFile = fileURLToPath(new URL('../../models/manifest.json', import.meta.url));

export const modelKinds = ['embedding', 'llm', 'stt', 'tts', 'avatar'] as const;
export type ModelKind = (typeof modelKinds)[number];

const httpUrl = z
  .string()
  .refine((value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol), 'an http:// or https:// URL');

/**
 * A path inside the model's folder. Refusing absolute paths and `..` keeps a bad (or hostile)
 * manifest from writing outside the models folder.
 */
const relativeFilePath = z
  .string()
  .min(1)
  .refine(
    (value) =>
      !value.includes('\\') &&
      !path.posix.isAbsolute(value) &&
      value.split('/').every((segment) => segment !== '' && segment !== '.' && segment !== '..') &&
      !value.endsWith('.part'),
    'a relative path with "/" separators, no "." or ".." segments, not ending in .part',
  );

const modelFileSchema = z.object({
  path: relativeFilePath,
  url: httpUrl,
  /** The publisher's sha256; null when it was not known when the entry was written. */
  sha256: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/, '64 hexadecimal characters, or null')
    .transform((value) => value.toLowerCase())
    .nullable(),
  /** Why sha256 is null: normally "recorded at first verified download" (models/checksums.json). */
  sha256Note: z.string().optional(),
  /** The expected size, for progress and disk-space estimates; the server's length is what counts. */
  sizeBytes: z.number().int().positive().nullable(),
});

const modelSchema = z.object({
  name: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, ".", "-" and "_" only (it is a folder name)')
    .refine((value) => !value.endsWith('.json'), 'must not end in .json (the models folder keeps its own JSON files)'),
  kind: z.enum(modelKinds),
  /** What the model is. */
  description: z.string().min(1),
  /** What Persona uses it for, and how to select it. */
  usedFor: z.string().min(1),
  /** Where a model without files comes from (e.g. an npm package). */
  source: z.string().min(1).optional(),
  licence: z.string().min(1),
  licenceUrl: httpUrl.optional(),
  /** Conditions a user must know before accepting, e.g. attribution or user-count limits. */
  licenceNote: z.string().min(1).optional(),
  commercialUse: z.boolean(),
  /** Files under models/NAME/; empty for models that ship inside an npm package. */
  files: z.array(modelFileSchema),
});

export type ModelFile = z.infer<typeof modelFileSchema>;
export type ModelEntry = z.infer<typeof modelSchema>;

export interface ModelManifest {
  /** The file it was read from, for messages. */
  file: string;
  models: ModelEntry[];
}

export function loadModelManifest(file: string = defaultManifestFile): ModelManifest {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : `is not valid JSON: ${(error as Error).message}`;
    throw new ModelError('manifest-invalid', `Model manifest ${file} ${reason}`, { cause: error });
  }
  return parseModelManifest(parsed, file);
}

/** Validates each entry on its own, so the message can name the entry by position and name. */
export function parseModelManifest(value: unknown, file: string): ModelManifest {
  const top = value as { models?: unknown } | null;
  if (typeof top !== 'object' || top === null || !Array.isArray(top.models)) {
    throw new ModelError('manifest-invalid', `Model manifest ${file}: the top level must be an object with a "models" array`);
  }
  const models: ModelEntry[] = [];
  const problems: string[] = [];
  top.models.forEach((candidate: unknown, index) => {
    const result = modelSchema.safeParse(candidate);
    const label = entryLabel(candidate, index);
    if (!result.success) {
      for (const issue of result.error.issues) {
        problems.push(`${label}${issue.path.length ? ` ${formatPath(issue.path)}` : ''}: ${issue.message}`);
      }
      return;
    }
    const model = result.data;
    if (models.some((other) => other.name === model.name)) problems.push(`${label}: the name "${model.name}" is used by an earlier entry`);
    const paths = new Set<string>();
    for (const modelFile of model.files) {
      if (paths.has(modelFile.path)) problems.push(`${label}: the file "${modelFile.path}" is listed twice`);
      paths.add(modelFile.path);
    }
    models.push(model);
  });
  if (problems.length) throw new ModelError('manifest-invalid', `Model manifest ${file} is not valid:\n  ${problems.join('\n  ')}`);
  return { file, models };
}

export function findModel(manifest: ModelManifest, name: string): ModelEntry {
  const model = manifest.models.find((candidate) => candidate.name === name);
  if (!model) {
    throw new ModelError(
      'unknown-model',
      `No model named "${name}" in ${manifest.file}. Known models: ${manifest.models.map((known) => known.name).join(', ')}`,
      { model: name },
    );
  }
  return model;
}

function entryLabel(candidate: unknown, index: number): string {
  const name = (candidate as { name?: unknown } | null)?.name;
  return `model #${index + 1}${typeof name === 'string' ? ` ("${name}")` : ''}`;
}

function formatPath(issuePath: readonly PropertyKey[]): string {
  return issuePath.map((part, position) => (typeof part === 'number' ? `[${part}]` : `${position ? '.' : ''}${String(part)}`)).join('');
}
