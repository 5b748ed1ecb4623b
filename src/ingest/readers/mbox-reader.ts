/**
 * Streams an mbox file message by message, so multi-GB archives never sit in memory:
 * only the message being read is buffered. Handles mboxo/mboxrd ">From " escaping.
 * A message that cannot be parsed is reported as skipped and the rest go on.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { InputError } from '../../errors.js';
import type { ReadOptions, SourceReader, SourceRecord } from '../source-record.js';
import { NotAnEmailError, parseEmail } from './email-parser.js';

const newline = 0x0a;
const fromLine = Buffer.from('From ');
const escapedFrom = /^>+From /;
const longestLineBuffered = 4 * 1024 * 1024;

export function createMboxReader(): SourceReader {
  return {
    type: 'mbox',
    async *read(file: string, options: ReadOptions): AsyncIterable<SourceRecord> {
      const { size } = await stat(file);
      if (size === 0) throw new InputError('input-unreadable', file, 'empty file');
      let messageNumber = 0;
      let sawSeparator = false;
      for await (const message of splitMbox(file, options)) {
        if (!message.startsWithSeparator && message.number === 0) {
          throw new InputError('input-unreadable', file, 'not an mbox file: it does not start with a "From " line');
        }
        sawSeparator = true;
        messageNumber = message.number + 1;
        const position = `message ${messageNumber} (byte ${message.offset})`;
        if (message.oversized) {
          yield { kind: 'skipped', position, reason: `message is over the limit of ${options.limits.maxFileBytes} bytes` };
          continue;
        }
        try {
          yield await parseEmail(message.body, options.limits.maxFileBytes);
        } catch (error) {
          const reason = error instanceof NotAnEmailError ? error.message : `not a readable email: ${(error as Error).message}`;
          yield { kind: 'skipped', position, reason };
        }
      }
      if (!sawSeparator) throw new InputError('input-unreadable', file, 'not an mbox file: no messages found');
    },
  };
}

interface MboxMessage {
  number: number;
  offset: number;
  startsWithSeparator: boolean;
  oversized: boolean;
  body: Buffer;
}

/** Splits on "From " lines that follow a blank line (or start the file); yields raw message bytes. */
async function* splitMbox(file: string, options: ReadOptions): AsyncGenerator<MboxMessage> {
  const stream = createReadStream(file, { highWaterMark: 1024 * 1024, signal: options.signal });
  const splitter = createMessageSplitter(options.limits.maxFileBytes);
  let fileOffset = 0;
  let carry: Buffer | undefined;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    const data = carry ? Buffer.concat([carry, chunk]) : chunk;
    let lineStart = 0;
    for (let lineEnd = data.indexOf(newline); lineEnd !== -1; lineEnd = data.indexOf(newline, lineStart)) {
      const finished = splitter.addLine(data.subarray(lineStart, lineEnd + 1), fileOffset + lineStart);
      if (finished) yield finished;
      lineStart = lineEnd + 1;
    }
    fileOffset += lineStart;
    carry = lineStart < data.length ? Buffer.from(data.subarray(lineStart)) : undefined;
    if (carry && carry.length > longestLineBuffered) {
      // A line without end (binary junk, a 2 GB run of NULs) must not pile up in memory.
      splitter.addFragment(carry);
      fileOffset += carry.length;
      carry = undefined;
    }
    options.onBytesRead?.(fileOffset);
    // Not an mbox at all: stop before reading a large unrelated file to the end.
    if (splitter.notAnMbox()) break;
  }
  if (carry) {
    const finished = splitter.addLine(carry, fileOffset);
    if (finished) yield finished;
  }
  const last = splitter.finish();
  if (last) yield last;
}

function createMessageSplitter(limit: number) {
  let parts: Buffer[] = [];
  let partsLength = 0;
  let oversized = false;
  let number = 0;
  let messageOffset = 0;
  let startsWithSeparator = false;
  let previousLineBlank = true;
  let seenAnyLine = false;
  let insideLongLine = false;

  const take = (): MboxMessage => {
    const body = oversized ? Buffer.alloc(0) : Buffer.concat(parts, partsLength);
    const message = { number, offset: messageOffset, startsWithSeparator, oversized, body };
    parts = [];
    partsLength = 0;
    oversized = false;
    number += 1;
    return message;
  };

  const append = (line: Buffer): void => {
    if (oversized) return;
    const unescaped = line[0] === 0x3e && escapedFrom.test(line.subarray(0, 64).toString('latin1')) ? line.subarray(1) : line;
    partsLength += unescaped.length;
    if (partsLength > limit) {
      oversized = true;
      parts = [];
      return;
    }
    parts.push(unescaped);
  };

  return {
    /** Returns the previous message when this line starts a new one. */
    addLine(line: Buffer, offset: number): MboxMessage | undefined {
      let finished: MboxMessage | undefined;
      if (insideLongLine) {
        append(line);
        insideLongLine = false;
      } else if (previousLineBlank && line.subarray(0, 5).equals(fromLine)) {
        if (seenAnyLine) finished = take();
        messageOffset = offset;
        startsWithSeparator = true;
      } else {
        append(line);
      }
      seenAnyLine = true;
      previousLineBlank = line.length === 1 || (line.length === 2 && line[0] === 0x0d);
      return finished;
    },
    /** The start of a line too long to buffer whole; the next `addLine` continues it. */
    addFragment(fragment: Buffer): void {
      append(fragment);
      insideLongLine = true;
      seenAnyLine = true;
      previousLineBlank = false;
    },
    notAnMbox(): boolean {
      return seenAnyLine && !startsWithSeparator && number === 0;
    },
    finish(): MboxMessage | undefined {
      return seenAnyLine ? take() : undefined;
    },
  };
}
