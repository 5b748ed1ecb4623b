/**
 * A fresh folder under the system temp dir for one test file's generated inputs, removed
 * when the file's tests end, so generated fixtures never land in the repository.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after } from 'node:test';

export function makeTemporaryFolder(prefix: string): string {
  const folder = mkdtempSync(path.join(tmpdir(), `persona-${prefix}-`));
  after(() => rmSync(folder, { recursive: true, force: true }));
  return folder;
}
