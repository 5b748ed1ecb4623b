/**
 * `DIR/index.jsonl`, the run's memory: one result line per finished item, appended and
 * fsynced as each item ends, so a killed run loses at most the items still running. A rerun
 * reads it (the last line per id wins; a line cut short by a kill is ignored) and compacts it
 * at the end to one line per question in question order.
 */
import { mkdir, open, readdir, readFile, rm, stat, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '../errors.js';
import { writeFileAtomically } from '../tts/voices/write-file-atomically.js';
import type { BatchItemResult } from './batch-item.js';

export const indexFileName = 'index.jsonl';

export interface BatchIndexWriter {
  append(result: BatchItemResult): Promise<void>;
  close(): Promise<void>;
}

/** The latest result per question id; an absent index is an empty one. */
export async function readBatchIndex(outFolder: string): Promise<Map<string, BatchItemResult>> {
  const results = new Map<string, BatchItemResult>();
  let text: string;
  try {
    text = await readFile(path.join(outFolder, indexFileName), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return results;
    throw new InputError('input-unreadable', path.join(outFolder, indexFileName), `cannot read the batch index: ${(error as Error).message}`, { cause: error });
  }
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const result = JSON.parse(line) as BatchItemResult;
      if (typeof result.id === 'string' && (result.status === 'done' || result.status === 'failed')) results.set(result.id, result);
    } catch {
      // A line cut short by a kill: that item did not finish and runs again.
    }
  }
  return results;
}

/**
 * Makes the out folder (an existing file there, or a folder that cannot be written, is an
 * InputError naming it) and removes temporary files a killed run left behind.
 */
export async function prepareOutFolder(outFolder: string): Promise<void> {
  try {
    await mkdir(outFolder, { recursive: true });
    const probe = path.join(outFolder, `.write-check.${process.pid}.tmp`);
    const handle = await open(probe, 'w');
    await handle.close();
    await rm(probe, { force: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'EEXIST' || code === 'ENOTDIR' ? 'is a file, not a folder' : code === 'EACCES' || code === 'EPERM' || code === 'EROFS' ? 'cannot be written' : `cannot be used: ${(error as Error).message}`;
    throw new InputError('input-unreadable', outFolder, `the out folder ${reason}`, { cause: error });
  }
  for (const entry of await readdir(outFolder)) {
    // Every temporary name starts with a dot and ends in .tmp (writeFileAtomically, the avatar's writer).
    if (entry.startsWith('.') && entry.endsWith('.tmp')) await rm(path.join(outFolder, entry), { force: true, recursive: true });
  }
}

export async function openBatchIndex(outFolder: string): Promise<BatchIndexWriter> {
  const file = path.join(outFolder, indexFileName);
  const handle: FileHandle = await open(file, 'a');
  // A kill in the middle of a line leaves it without its newline: start on a fresh line.
  const size = (await stat(file)).size;
  if (size > 0) {
    const last = Buffer.alloc(1);
    const reader = await open(file, 'r');
    await reader.read(last, 0, 1, size - 1).finally(() => reader.close());
    if (last[0] !== 0x0a) await handle.appendFile('\n');
  }
  let queue: Promise<void> = Promise.resolve();
  return {
    append(result) {
      // One writer at a time: lines from concurrent items must not interleave.
      const next = queue.then(async () => {
        await handle.appendFile(`${JSON.stringify(result)}\n`);
        await handle.sync();
      });
      queue = next.catch(() => undefined);
      return next;
    },
    async close() {
      await queue;
      await handle.close();
    },
  };
}

/** Rewrites the index with one line per question, in question order (items no longer asked stay, after them). */
export async function compactBatchIndex(outFolder: string, order: readonly string[]): Promise<BatchItemResult[]> {
  const results = await readBatchIndex(outFolder);
  const position = new Map(order.map((id, index) => [id, index]));
  const sorted = [...results.values()].sort((a, b) => (position.get(a.id) ?? order.length + a.index) - (position.get(b.id) ?? order.length + b.index));
  await writeFileAtomically(path.join(outFolder, indexFileName), sorted.map((result) => `${JSON.stringify(result)}\n`).join(''));
  return sorted;
}
