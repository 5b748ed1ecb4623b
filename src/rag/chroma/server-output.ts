/** Reading what the Chroma server prints, and describing how it ended, for errors and logs. */
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
  error?: Error;
}

const ANSI = /\u001b\[[0-9;]*m/g;

export function readLines(stream: Readable | null, onLine: (line: string) => void): void {
  if (!stream) return;
  createInterface({ input: stream, crlfDelay: Infinity }).on('line', (raw) => {
    const line = raw.replace(ANSI, '').trimEnd();
    // The start banner is ASCII art; lines without a letter or digit carry nothing.
    if (/[\p{L}\p{N}]/u.test(line)) onLine(line.trim());
  });
}

export function describeExit(info: ExitInfo): string {
  if (info.error) return `could not run: ${info.error.message}`;
  if (info.signal) return `killed by ${info.signal}`;
  return `exit code ${info.code}`;
}

export function describeTail(tail: readonly string[]): string {
  return tail.length === 0 ? ' It wrote nothing to stderr.' : ` Its last stderr lines:\n  ${tail.join('\n  ')}`;
}

/** Waits for `promise` at most `ms`; true when it settled in time. The timer never outlives the wait. */
