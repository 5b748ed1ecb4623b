/**
 * Whitespace rules shared by the cleaner's input and output: one newline convention,
 * no invisible characters that break line matching, at most one blank line between
 * paragraphs.
 */
import { isBlank, type LineSheet } from './line-sheet.js';

// Zero-width spaces and byte-order marks come from HTML editors and break `^...$`
// matches; ZWJ/ZWNJ are left alone because Indic scripts need them to render words.
const INVISIBLE_CHARACTERS = /[\u200b\u2060\ufeff]/g;
const NO_BREAK_SPACES = /[\u00a0\u202f]/g;
const LINE_ENDINGS = /\r\n?|[\u2028\u2029\u0085\v\f]/g;
/** Lines made only of rule characters, left behind at the edges by removed blocks. */
const DECORATION_LINE = /^\s*(?:[-_=*~#•·+]{3,}|[—–]+)\s*$/;
/** The signature delimiter is the one line whose trailing space means something. */
const SIGNATURE_DELIMITER = /^-- +$/;

export function isDecorationLine(line: string): boolean {
  return DECORATION_LINE.test(line);
}

export function splitBodyIntoLines(body: string): string[] {
  const normalised = body
    .replace(LINE_ENDINGS, '\n')
    .replace(INVISIBLE_CHARACTERS, '')
    .replace(NO_BREAK_SPACES, ' ');
  return normalised.split('\n').map((line) => (SIGNATURE_DELIMITER.test(line) ? '-- ' : line.trimEnd()));
}

/** Joins lines into text with trimmed edges and at most one blank line in a row. */
export function joinParagraphLines(lines: readonly string[]): string {
  const output: string[] = [];
  let pendingBlank = false;
  for (const line of lines) {
    if (isBlank(line)) {
      pendingBlank = output.length > 0;
      continue;
    }
    if (pendingBlank) output.push('');
    pendingBlank = false;
    output.push(line.trimEnd());
  }
  return output.join('\n');
}

/**
 * The visible text of a sheet. Where removed lines sat between two kept lines, a
 * paragraph break stands in for them, so inline replies do not run together.
 */
export function visibleText(sheet: LineSheet): string {
  const kept: string[] = [];
  let skippedContent = false;
  for (let index = 0; index < sheet.lines.length; index++) {
    const line = sheet.lines[index] ?? '';
    if (sheet.removedBy[index] !== undefined) {
      if (!isBlank(line)) skippedContent = true;
      continue;
    }
    if (skippedContent && !isBlank(line)) kept.push('');
    skippedContent = false;
    kept.push(line);
  }
  let start = 0;
  let end = kept.length;
  while (start < end && (isBlank(kept[start] ?? '') || isDecorationLine(kept[start] ?? ''))) start++;
  while (end > start && (isBlank(kept[end - 1] ?? '') || isDecorationLine(kept[end - 1] ?? ''))) end--;
  return joinParagraphLines(kept.slice(start, end));
}
