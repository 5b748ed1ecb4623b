/**
 * Finds where the next speech segment ends in a buffer of streamed text. The answer for a
 * position depends only on the text up to a few characters after it: when those are not
 * there yet and the stream goes on, the answer is `wait`, so a decision never changes when
 * more text arrives, and any way of cutting the stream into deltas gives the same segments.
 */
import { toSpeechText } from './speech-text.js';

export interface BoundaryQuery {
  buffer: string;
  /** No more text will come: a look-ahead that runs off the end sees the end of the stream. */
  ended: boolean;
  /** The buffer starts the stream or a line (for list markers and headings). */
  startsLine: boolean;
  /** Whether a clause boundary may end this segment (only the first segment of a turn). */
  clauseMinChars: number | undefined;
  maxChars: number;
}

/** `end`: the segment is `buffer.slice(0, end)`. `none`: no boundary yet. `wait`: undecided until more text comes. */
export type Boundary = { kind: 'end'; end: number } | { kind: 'none' } | { kind: 'wait' };

const spacedTerminators = new Set(['.', '!', '?', '…', '।', '॥']);
const closedTerminators = new Set(['。', '！', '？', '｡']);
const closers = new Set(['"', "'", '”', '’', '»', ')', ']', '}', '」', '』', '）', '】', '*', '_', '`']);
const spacedClauseMarks = new Set([',', ';', ':']);
const closedClauseMarks = new Set(['，', '、', '；', '：']);
/** Words before a "." that never end a sentence. */
const neverFinal = new Set(['dr', 'mr', 'mrs', 'ms', 'prof', 'st', 'sr', 'jr', 'mt', 'vs', 'approx', 'e.g', 'i.e', 'cf', 'viz', 'fig']);
/** Dotted abbreviations that often end a sentence ("at 9 a.m. Then ..."). */
const mayBeFinal = new Set(['a.m', 'p.m']);
const dottedInitials = /^(?:\p{L}\.)+\p{L}$/u;
const singleCapital = /^\p{Lu}$/u;
const listNumber = /^\d{1,3}$/;
const leadingPunctuation = /^[^\p{L}\p{N}]+/u;
const lowercase = /\p{Ll}/u;
const uppercase = /[\p{Lu}\p{Lt}]/u;
const letter = /\p{L}/u;
const digit = /\p{Nd}/u;
const space = /\s/u;
const lineSpace = /[ \t]/;
const maxStarterSkip = 8;

type Starter = 'lower' | 'upper' | 'uncased' | 'digit' | 'other' | 'stream-end' | 'wait';

export function findBoundary(query: BoundaryQuery): Boundary {
  const { buffer, ended, maxChars } = query;
  let start = 0;
  while (start < buffer.length && space.test(buffer[start] ?? '')) start += 1;
  if (start === buffer.length) return { kind: 'none' };
  const limit = start + maxChars;

  for (let index = start; index < buffer.length; index += 1) {
    if (index >= limit) return { kind: 'end', end: cutAtWord(buffer, start, index) };
    const char = buffer[index] ?? '';

    if (spacedTerminators.has(char)) {
      // A run of terminators ("...", "?!") is decided once, at its first character.
      if (index > start && spacedTerminators.has(buffer[index - 1] ?? '')) continue;
      const decision = sentenceEnd(query, start, index);
      if (decision.kind !== 'none') return decision;
    } else if (closedTerminators.has(char)) {
      let end = index + 1;
      while (end < buffer.length && (closedTerminators.has(buffer[end] ?? '') || closers.has(buffer[end] ?? ''))) end += 1;
      if (end === buffer.length && !ended) return { kind: 'wait' };
      return { kind: 'end', end };
    } else if (char === '\n') {
      const decision = lineEnd(query, start, index);
      if (decision.kind !== 'none') return decision;
    } else if (query.clauseMinChars !== undefined) {
      const decision = clauseEnd(query, start, index, query.clauseMinChars);
      if (decision.kind !== 'none') return decision;
    }
  }
  return { kind: 'none' };
}

function sentenceEnd(query: BoundaryQuery, start: number, index: number): Boundary {
  const { buffer, ended } = query;
  let end = index;
  while (end < buffer.length && spacedTerminators.has(buffer[end] ?? '')) end += 1;
  const run = buffer.slice(index, end);
  while (end < buffer.length && closers.has(buffer[end] ?? '')) end += 1;
  if (end === buffer.length) return ended ? { kind: 'end', end } : { kind: 'wait' };
  if (!space.test(buffer[end] ?? '')) return { kind: 'none' }; // 3.14, example.com, a.b?c=d
  const starter = nextStarter(buffer, end, ended);
  if (starter === 'wait') return { kind: 'wait' };
  if (starter === 'stream-end') return { kind: 'end', end };
  if (starter === 'lower') return { kind: 'none' }; // "Stop." she said; e.g. this; etc. and
  if (/[!?।॥]/u.test(run)) return { kind: 'end', end };
  if (run.includes('…') || run.includes('..')) {
    return starter === 'upper' || starter === 'uncased' || starter === 'other' ? { kind: 'end', end } : { kind: 'none' };
  }
  const word = wordBefore(buffer, start, index);
  const key = word.toLowerCase();
  if (neverFinal.has(key)) return { kind: 'none' };
  if (mayBeFinal.has(key)) return { kind: 'end', end };
  if (starter === 'upper' && (dottedInitials.test(word) || (singleCapital.test(word) && word !== 'I'))) {
    return { kind: 'none' }; // J. R. R. Tolkien, the U.S. Army
  }
  if (listNumber.test(word) && startsLineAt(query, start, index - word.length)) return { kind: 'none' }; // "1. Buy milk"
  return { kind: 'end', end };
}

function clauseEnd(query: BoundaryQuery, start: number, index: number, minChars: number): Boundary {
  const { buffer, ended } = query;
  const char = buffer[index] ?? '';
  let isClause: boolean | 'wait' = false;
  if (closedClauseMarks.has(char) || char === '—') {
    isClause = true;
  } else if (spacedClauseMarks.has(char) || ((char === '-' || char === '–') && index > 0 && space.test(buffer[index - 1] ?? ''))) {
    const next = buffer[index + 1];
    if (next === undefined) isClause = ended ? false : 'wait';
    else isClause = space.test(next) && !(char !== ',' && char !== ';' && char !== ':' && startsLineAt(query, start, index));
  }
  if (isClause === 'wait') return { kind: 'wait' };
  if (!isClause) return { kind: 'none' };
  const end = index + 1;
  if (toSpeechText(buffer.slice(start, end)).length < minChars) return { kind: 'none' };
  return { kind: 'end', end };
}

/** A newline ends a segment after a heading or list item, before one, and at a blank line. */
function lineEnd(query: BoundaryQuery, start: number, index: number): Boundary {
  const { buffer, ended } = query;
  let lineStart = index;
  while (lineStart > start && buffer[lineStart - 1] !== '\n') lineStart -= 1;
  if (startsBlock(buffer.slice(lineStart, index).trimStart()) === true) return { kind: 'end', end: index };
  let next = index + 1;
  while (next < buffer.length && lineSpace.test(buffer[next] ?? '')) next += 1;
  if (next === buffer.length) return ended ? { kind: 'none' } : { kind: 'wait' };
  if (buffer[next] === '\n' || buffer[next] === '\r') return { kind: 'end', end: index };
  const block = startsBlock(buffer.slice(next, next + 6), ended || next + 6 <= buffer.length);
  if (block === 'wait') return { kind: 'wait' };
  return block ? { kind: 'end', end: index } : { kind: 'none' };
}

/** Whether a line starts with a heading, bullet, numbered item, quote or code fence. */
function startsBlock(line: string, complete = true): boolean | 'wait' {
  if (/^(?:#{1,6}\s|[-*+•]\s|\d{1,3}[.)]\s|>|```)/u.test(line)) return true;
  if (complete) return false;
  // Not enough text yet to rule a marker out: "1" may become "1. ", "-" may become "- ".
  return /^(?:#{1,6}|[-*+•]|\d{1,3}[.)]?|`{1,2})$/u.test(line) ? 'wait' : false;
}

function startsLineAt(query: BoundaryQuery, start: number, position: number): boolean {
  let at = position - 1;
  while (at >= 0 && lineSpace.test(query.buffer[at] ?? '')) at -= 1;
  if (at < 0) return query.startsLine;
  if (query.buffer[at] === '\n') return true;
  return at < start && query.startsLine;
}

function wordBefore(buffer: string, start: number, index: number): string {
  let from = index;
  while (from > start && !space.test(buffer[from - 1] ?? '')) from -= 1;
  return buffer.slice(from, index).replace(leadingPunctuation, '');
}

/** What kind of character starts the text after the whitespace at `from`, skipping quotes, brackets and markup. */
function nextStarter(buffer: string, from: number, ended: boolean): Starter {
  let at = from;
  while (at < buffer.length && space.test(buffer[at] ?? '')) at += 1;
  let skipped = 0;
  while (at < buffer.length) {
    const char = buffer[at] ?? '';
    if (lowercase.test(char)) return 'lower';
    if (uppercase.test(char)) return 'upper';
    if (letter.test(char)) return 'uncased';
    if (digit.test(char)) return 'digit';
    skipped += 1;
    if (skipped > maxStarterSkip) return 'other';
    at += 1;
  }
  return ended ? 'stream-end' : 'wait';
}

function cutAtWord(buffer: string, start: number, index: number): number {
  if (space.test(buffer[index] ?? '')) return index;
  for (let at = index - 1; at > start; at -= 1) {
    if (space.test(buffer[at] ?? '')) return at;
  }
  return index;
}
