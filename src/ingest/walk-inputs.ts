/**
 * Expands the paths given to `persona ingest` into the files to read, recursively and
 * in a stable order (so two runs see the same sequence), with a reason for each path
 * that cannot be read at all.
 */
import { existsSync } from 'node:fs';
import { lstat, readdir, realpath } from 'node:fs/promises';
import path from 'node:path';

export interface InputFile {
  path: string;
  size: number;
  modifiedAt: Date;
}

export interface SkippedInput {
  path: string;
  reason: string;
}

export interface WalkResult {
  files: InputFile[];
  skipped: SkippedInput[];
}

/** Version-control and OS clutter is never corpus. */
const ignoredDirectories = new Set(['.git', 'node_modules', '__MACOSX']);

export async function walkInputs(inputs: readonly string[]): Promise<WalkResult> {
  const result: WalkResult = { files: [], skipped: [] };
  const seen = new Set<string>();
  for (const input of inputs) await visit(path.resolve(input), result, seen, true);
  result.files.sort((left, right) => left.path.localeCompare(right.path));
  return result;
}

async function visit(file: string, result: WalkResult, seen: Set<string>, named: boolean): Promise<void> {
  let stats;
  try {
    stats = await lstat(file);
  } catch (error) {
    result.skipped.push({ path: file, reason: (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or folder' : (error as Error).message });
    return;
  }
  if (stats.isSymbolicLink()) {
    const target = await realpath(file).catch(() => undefined);
    if (!target) {
      result.skipped.push({ path: file, reason: 'broken symbolic link' });
      return;
    }
    return visit(target, result, seen, named);
  }
  if (seen.has(file)) return;
  seen.add(file);
  if (stats.isDirectory()) {
    if (!named && (ignoredDirectories.has(path.basename(file)) || isMaildirTmp(file))) return;
    let entries: string[];
    try {
      entries = await readdir(file);
    } catch (error) {
      result.skipped.push({ path: file, reason: `folder cannot be read: ${(error as Error).message}` });
      return;
    }
    for (const entry of entries) {
      if (entry.startsWith('.')) continue;
      await visit(path.join(file, entry), result, seen, false);
    }
    return;
  }
  if (!stats.isFile()) {
    result.skipped.push({ path: file, reason: 'not a regular file' });
    return;
  }
  result.files.push({ path: file, size: stats.size, modifiedAt: stats.mtime });
}

/** Maildir's tmp/ holds half-delivered mail. */
function isMaildirTmp(folder: string): boolean {
  return path.basename(folder) === 'tmp' && existsSync(path.join(path.dirname(folder), 'cur'));
}
