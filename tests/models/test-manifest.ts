/** A manifest written into a test's temp folder, with files served by the local test server. */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';

export function sha256Of(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Bytes that differ at every offset, so a resume from a wrong offset cannot hash right. */
export function makeContent(length: number, seed = 1): Buffer {
  const data = Buffer.alloc(length);
  let state = seed;
  for (let index = 0; index < length; index++) {
    state = (state * 1103515245 + 12345) >>> 0;
    data[index] = state >>> 24;
  }
  return data;
}

export interface TestFile {
  path: string;
  url: string;
  sha256: string | null;
  sizeBytes?: number | null;
}

export function testModel(name: string, files: TestFile[], overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name,
    kind: 'llm',
    description: `test model ${name}`,
    usedFor: 'tests',
    licence: 'Test Licence 1.0',
    commercialUse: true,
    files: files.map((file) => ({ sizeBytes: null, ...file, ...(file.sha256 ? {} : { sha256Note: 'recorded at first verified download' }) })),
    ...overrides,
  };
}

export function writeManifest(folder: string, models: unknown[]): string {
  const file = path.join(folder, 'manifest.json');
  writeFileSync(file, JSON.stringify({ models }, null, 2));
  return file;
}
