/**
 * Reads a whole input file after checking its size, so that an oversized or special file
 * (a FIFO, /dev/zero) is refused before a single byte of it is buffered.
 */
import { readFile, stat } from 'node:fs/promises';
import { InputError } from '../../errors.js';
import type { ReadLimits } from '../source-record.js';

export async function readFileWithinLimit(file: string, limits: ReadLimits, signal?: AbortSignal): Promise<Buffer> {
  signal?.throwIfAborted();
  let size: number;
  try {
    const status = await stat(file);
    if (!status.isFile()) throw new InputError('input-unreadable', file, 'not a regular file');
    size = status.size;
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError('input-unreadable', file, describeFileSystemError(error), { cause: error });
  }
  if (size > limits.maxFileBytes) {
    throw new InputError('input-too-large', file, `${size} bytes, over the limit of ${limits.maxFileBytes} bytes`);
  }
  try {
    return await readFile(file, { signal });
  } catch (error) {
    // An abort is the caller's own ending, not a fault of the file.
    if (signal?.aborted) throw signal.reason;
    throw new InputError('input-unreadable', file, describeFileSystemError(error), { cause: error });
  }
}

function describeFileSystemError(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  if (code === 'ENOENT') return 'file not found';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'a folder, not a file';
  return `cannot read the file (${error instanceof Error ? error.message : String(error)})`;
}
