/**
 * Finds the line(s) that introduce quoted or forwarded text: an attribution
 * ("On … wrote:"), a separator ("-----Original Message-----", "---------- Forwarded
 * message ---------", "Begin forwarded message:", Outlook's underscore rule) with the
 * header fields under it, or a bare Outlook "From:/Sent:/To:/Subject:" block.
 */
import { ATTRIBUTION_START, MAX_ATTRIBUTION_LENGTH, parseAttribution } from './attribution-line.js';
import { isStandaloneHeaderBlock, readHeaderBlock } from './header-block.js';
import type { Mailbox } from './mailbox-text.js';

export interface QuoteHeader {
  kind: 'quote' | 'forward';
  style: 'attribution' | 'header-block';
  /** Index one past the header's last line. */
  end: number;
  author?: Mailbox;
  dateText?: string;
  subject?: string;
  /** False for an attribution with no date or address, which needs `>` lines to be believed. */
  hasEvidence: boolean;
  /** Quoted text on the header's own line (Yahoo mobile). */
  trailingText?: string;
}

const FORWARD_SEPARATOR =
  /^\s*-{2,}\s*(?:forwarded message|original message follows|message transféré|message transfere|weitergeleitete nachricht|mensaje reenviado|doorgestuurd bericht|messaggio inoltrato|mensagem encaminhada|mensagem reencaminhada)\s*-{2,}\s*$/i;
const FORWARD_INTRODUCTION =
  /^\s*(?:begin forwarded message|début du message réexpédié|debut du message reexpedie|anfang der weitergeleiteten nachricht|inicio del mensaje reenviado|comienzo del mensaje reenviado|begin doorgestuurd bericht|inizio messaggio inoltrato|início da mensagem reencaminhada)\s*:\s*$/i;
const ORIGINAL_SEPARATOR =
  /^\s*-{2,}\s*(?:original message|original-nachricht|ursprüngliche nachricht|ursprungliche nachricht|message d'origine|message d’origine|mensaje original|oorspronkelijk bericht|messaggio originale|mensagem original)\s*-{2,}\s*$/i;
/** Outlook's reply rule: a long line of underscores right above the header fields. */
const UNDERSCORE_RULE = /^\s*_{10,}\s*$/;
const SEPARATOR_LINE_LIMIT = 200;
const MAX_WRAPPED_ATTRIBUTION_LINES = 3;

function nextContentIndex(lines: readonly string[], start: number, maxBlankLines: number): number {
  let index = start;
  let blanks = 0;
  while (index < lines.length && (lines[index] ?? '').trim().length === 0) {
    if (++blanks > maxBlankLines) return -1;
    index++;
  }
  return index < lines.length ? index : -1;
}

function separatorHeader(lines: readonly string[], index: number, kind: QuoteHeader['kind'], requireFields: boolean): QuoteHeader | undefined {
  const header: QuoteHeader = { kind, style: 'header-block', end: index + 1, hasEvidence: true };
  const fieldsStart = nextContentIndex(lines, index + 1, 1);
  const block = fieldsStart >= 0 ? readHeaderBlock(lines, fieldsStart) : undefined;
  if (block === undefined) return requireFields ? undefined : header;
  header.end = block.end;
  if (block.author !== undefined) header.author = block.author;
  if (block.dateText !== undefined) header.dateText = block.dateText;
  if (block.subject !== undefined) header.subject = block.subject;
  return header;
}

export function detectQuoteHeader(lines: readonly string[], index: number): QuoteHeader | undefined {
  const line = lines[index] ?? '';

  if (line.length <= SEPARATOR_LINE_LIMIT) {
    if (FORWARD_SEPARATOR.test(line) || FORWARD_INTRODUCTION.test(line)) return separatorHeader(lines, index, 'forward', false);
    if (ORIGINAL_SEPARATOR.test(line)) return separatorHeader(lines, index, 'quote', false);
    if (UNDERSCORE_RULE.test(line)) return separatorHeader(lines, index, 'quote', true);
  }

  const block = readHeaderBlock(lines, index);
  if (block !== undefined && isStandaloneHeaderBlock(block)) {
    const header: QuoteHeader = { kind: 'quote', style: 'header-block', end: block.end, hasEvidence: true };
    if (block.author !== undefined) header.author = block.author;
    if (block.dateText !== undefined) header.dateText = block.dateText;
    if (block.subject !== undefined) header.subject = block.subject;
    return header;
  }

  let joined = line;
  for (let count = 1; count <= MAX_WRAPPED_ATTRIBUTION_LINES; count++) {
    const attribution = parseAttribution(joined);
    if (attribution !== undefined) {
      const header: QuoteHeader = { kind: 'quote', style: 'attribution', end: index + count, hasEvidence: attribution.hasEvidence };
      if (attribution.author !== undefined) header.author = attribution.author;
      if (attribution.dateText !== undefined) header.dateText = attribution.dateText;
      if (attribution.trailingText !== undefined) header.trailingText = attribution.trailingText;
      return header;
    }
    // Only a line that opens like an attribution may continue on the next line.
    if (count === 1 && (!ATTRIBUTION_START.test(line) || line.length > MAX_ATTRIBUTION_LENGTH)) return undefined;
    const next = lines[index + count];
    if (next === undefined || next.trim().length === 0 || joined.length > MAX_ATTRIBUTION_LENGTH) return undefined;
    joined = `${joined.trimEnd()} ${next.trim()}`;
  }
  return undefined;
}
