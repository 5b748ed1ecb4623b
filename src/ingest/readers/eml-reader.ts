/** A single message file: `.eml`, or one file of a Maildir folder. */
import { readFile, stat } from 'node:fs/promises';
import { InputError } from '../../errors.js';
import type { ReadOptions, SourceReader, SourceRecord } from '../source-record.js';
import { NotAnEmailError, parseEmail } from './email-parser.js';

export function createEmlReader(type: 'eml' | 'maildir' = 'eml'): SourceReader {
  return {
    type,
    async *read(file: string, options: ReadOptions): AsyncIterable<SourceRecord> {
      const { size } = await stat(file);
      if (size > options.limits.maxFileBytes) {
        throw new InputError('input-too-large', file, `message of ${size} bytes is over the limit of ${options.limits.maxFileBytes} bytes`);
      }
      const raw = await readFile(file, { signal: options.signal });
      try {
        yield await parseEmail(raw, options.limits.maxFileBytes);
      } catch (error) {
        if (error instanceof NotAnEmailError) throw new InputError('input-unreadable', file, error.message);
        throw new InputError('input-unreadable', file, `not a readable email: ${(error as Error).message}`, { cause: error });
      }
    },
  };
}
