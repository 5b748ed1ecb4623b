/**
 * Removes quoted and forwarded text and returns it as blocks.
 *
 * Two shapes exist in the wild. Top-posted replies (Outlook, mobile, most Gmail) put a
 * header above the older message, and everything after that header is the older
 * message, quoted with `>` or not. Inline replies answer between `>` runs under an
 * attribution; there only the `>` lines are quoted and the lines between are the reply.
 */
import type { QuotedBlock } from './cleaned-email.js';
import { isBlank, removeRange, type LineSheet } from './line-sheet.js';
import { detectQuoteHeader, type QuoteHeader } from './quote-header.js';
import { joinParagraphLines } from './whitespace.js';

const QUOTE_MARKER = /^[ \t]{0,3}>/;
// Each `>` level may carry one space; the quantified group cannot overlap itself, so
// this stays linear on long runs of markers.
const QUOTE_MARKERS = /^[ \t]{0,3}(?:>[ \t]?)+/;

type BlockOrigin = Pick<QuotedBlock, 'kind' | 'author' | 'dateText' | 'subject'>;

function isQuoteMarked(line: string): boolean {
  return QUOTE_MARKER.test(line);
}

function stripQuoteMarkers(line: string): string {
  return line.replace(QUOTE_MARKERS, '');
}

function originOf(header: QuoteHeader | undefined, kind: QuotedBlock['kind'] = 'quote'): BlockOrigin {
  if (header === undefined) return { kind };
  const origin: BlockOrigin = { kind: header.kind };
  if (header.author !== undefined) origin.author = { ...header.author };
  if (header.dateText !== undefined) origin.dateText = header.dateText;
  if (header.subject !== undefined) origin.subject = header.subject;
  return origin;
}

/**
 * Cuts quoted lines (markers already stripped) into one block per message: nested
 * quotes carry their own headers, and each header starts a new block.
 */
function splitIntoBlocks(lines: readonly string[], firstOrigin: BlockOrigin): QuotedBlock[] {
  const blocks: QuotedBlock[] = [];
  let origin = firstOrigin;
  let start = 0;
  let firstLine: string | undefined;
  const close = (end: number): void => {
    const blockLines = lines.slice(start, end);
    if (firstLine !== undefined) blockLines.unshift(firstLine);
    const text = joinParagraphLines(blockLines);
    if (text.length > 0) blocks.push({ ...origin, text });
  };
  let index = 0;
  while (index < lines.length) {
    const header = isBlank(lines[index] ?? '') ? undefined : detectQuoteHeader(lines, index);
    if (header === undefined || !header.hasEvidence) {
      index++;
      continue;
    }
    close(index);
    origin = originOf(header);
    firstLine = header.trailingText;
    index = header.end;
    start = index;
  }
  close(lines.length);
  return blocks;
}

/** End (exclusive) of the `>` run starting at `start`; blank lines inside a run belong to it. */
function quotedRunEnd(lines: readonly string[], start: number): number {
  let end = start;
  let index = start;
  while (index < lines.length) {
    const line = lines[index] ?? '';
    if (isQuoteMarked(line)) end = index + 1;
    else if (!isBlank(line)) break;
    index++;
  }
  return end;
}

function nextContentLine(lines: readonly string[], start: number): string | undefined {
  for (let index = start; index < lines.length; index++) {
    const line = lines[index] ?? '';
    if (!isBlank(line)) return line;
  }
  return undefined;
}

export function detectQuotes(sheet: LineSheet): QuotedBlock[] {
  const lines = sheet.lines;
  const blocks: QuotedBlock[] = [];
  // The attribution above inline-quoted runs names the author of every run below it.
  let inlineOrigin: BlockOrigin = { kind: 'quote' };
  let index = 0;
  while (index < lines.length) {
    const line = lines[index] ?? '';
    if (isQuoteMarked(line)) {
      const end = quotedRunEnd(lines, index);
      blocks.push(...splitIntoBlocks(lines.slice(index, end).map(stripQuoteMarkers), inlineOrigin));
      removeRange(sheet, index, end, 'quote');
      index = end;
      continue;
    }
    const header = isBlank(line) ? undefined : detectQuoteHeader(lines, index);
    if (header === undefined) {
      index++;
      continue;
    }
    const following = nextContentLine(lines, header.end);
    if (following !== undefined && isQuoteMarked(following)) {
      inlineOrigin = originOf(header);
      if (header.trailingText !== undefined) blocks.push({ ...inlineOrigin, text: header.trailingText });
      removeRange(sheet, index, header.end, 'quote');
      index = header.end;
      continue;
    }
    if (!header.hasEvidence) {
      index++;
      continue;
    }
    // A top-posted header: the older message runs to the end of the body.
    const rest = lines.slice(index).map(stripQuoteMarkers);
    blocks.push(...splitIntoBlocks(rest, originOf(header)));
    removeRange(sheet, index, lines.length, 'quote');
    break;
  }
  return blocks;
}
