/** A fresh folder under the OS temp dir, removed when the test ends. */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestContext } from 'node:test';

export function temporaryFolder(context: TestContext, prefix = 'persona-test-'): string {
  const folder = mkdtempSync(path.join(os.tmpdir(), prefix));
  context.after(() => rmSync(folder, { recursive: true, force: true }));
  return folder;
}
