/**
 * Small JSON files the models folder keeps for itself (checksums.json, consent.json):
 * read with a clear error naming the file, written atomically so that a crash or a full
 * disk mid-write leaves the previous version, never half a file.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import { ModelError } from './model-error.js';

export function readJsonRecordFile<Schema extends z.ZodType>(file: string, schema: Schema, empty: z.infer<Schema>): z.infer<Schema> {
  if (!existsSync(file)) return empty;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ModelError('manifest-invalid', `${file} is not valid JSON (${(error as Error).message}); fix or delete it`, { cause: error });
  }
  const result = schema.safeParse(parsed);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.map(String).join('.') || '(top level)'}: ${issue.message}`);
    throw new ModelError('manifest-invalid', `${file} is not valid (${problems.join('; ')}); fix or delete it`);
  }
  return result.data;
}

export function writeJsonRecordFile(file: string, value: unknown): void {
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(temporary, `${JSON.stringify(value, null, 2)}\n`);
    renameSync(temporary, file);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw new ModelError('write-failed', `Cannot write ${file}: ${(error as Error).message}`, { cause: error });
  }
}
