/** A single message file: `.eml`, or one file of a Maildir folder. */
import { InputError } from '../../errors.js';
import type { ReadOptions, SourceReader, SourceRecord } from '../source-record.js';
import { NotAnEmailError, parseEmail } from './email-parser.js';
import { readFileWithinLimit } from './read-file-within-limit.js';

export function createEmlReader(type: 'eml' | 'maildir' = 'eml'): SourceReader {
  return {
    type,
    async *read(file: string, options: ReadOptions): AsyncIterable<SourceRecord> {
      const raw = await readFileWithinLimit(file, options.limits, options.signal);
      try {
        yield await parseEmail(raw, options.limits.maxFileBytes);
      } catch (error) {
        if (error instanceof NotAnEmailError) throw new InputError('input-unreadable', file, error.message);
        throw new InputError('input-unreadable', file, `not a readable email: ${(error as Error).message}`, { cause: error });
      }
    },
  };
}
