/**
 * Removes the sender's signature: mobile-client taglines, everything under a `-- `
 * delimiter, a sign-off with the name/title/contact block under it (the sign-off is
 * kept as a style feature), or a trailing contact block with no sign-off.
 */
import {
  isAuthorNameLine,
  isNameLikeLine,
  isSignatureBlockLine,
  isStrongContactLine,
  isTitleOrCompanyLine,
} from './contact-line.js';
import { isBlank, isVisible, lineAt, removeLines, visibleContentIndices, type LineSheet } from './line-sheet.js';
import { isSignOffLine, type SignOffContext } from './sign-off-line.js';
import { isDecorationLine } from './whitespace.js';

const DEVICE_NAMES = String.raw`(?:an?\s+|the\s+|my\s+|mon\s+|ma\s+|mi\s+|meu\s+|mijn\s+)?(?:[\w'’-]+\s+){0,2}(?:iphone|ipad|android|galaxy|samsung|blackberry|mobile|smartphone|phone|cellphone|tablet|huawei|pixel|xiaomi|oneplus|fairphone|nokia|motorola|windows\s+phone|mail\s+for\s+windows(?:\s+\d+)?|yahoo\s*mail|outlook|gmail|protonmail|proton\s+mail|aol|superhuman|spark|hey|blue\s+mail|bluemail|edison\s+mail|airmail|newton|fastmail|tutanota|zoho\s+mail|thunderbird)`;
/** Taglines mail apps add on their own; they say nothing about the writer. */
const CLIENT_TAGLINE = new RegExp(
  String.raw`^\W{0,3}(?:` +
    [
      String.raw`sent\s+(?:from|via|with|using|on)\s+${DEVICE_NAMES}\b.{0,60}`,
      String.raw`get\s+outlook\s+for\s+(?:ios|android|mac|windows)\b.{0,60}`,
      String.raw`(?:envoyé|envoye)\s+(?:de|depuis|à\s+partir\s+de)\s+${DEVICE_NAMES}.{0,40}`,
      String.raw`von\s+meine[mr]?\s+${DEVICE_NAMES}\s+gesendet.{0,20}`,
      String.raw`gesendet\s+(?:von|mit|vom)\s+${DEVICE_NAMES}.{0,40}`,
      String.raw`enviado\s+(?:desde|do|de|a\s+partir\s+do)\s+${DEVICE_NAMES}.{0,40}`,
      String.raw`(?:verzonden|verstuurd)\s+(?:vanaf|met|van)\s+${DEVICE_NAMES}.{0,40}`,
      String.raw`inviato\s+(?:da|dal|con)\s+${DEVICE_NAMES}.{0,40}`,
    ].join('|') +
    String.raw`)$`,
  'i',
);
const DELIMITER = /^--[ \t]*$/;
/** A bare `--` without the trailing space is also used as a dash; trust it only above a short block. */
const MAX_LINES_UNDER_BARE_DELIMITER = 15;
const MAX_LINES_UNDER_SIGN_OFF = 12;
/** "P.S.", "PS:", "P.P.S." — written after the sign-off, but part of the message. */
const POSTSCRIPT = /^\s*p\.?\s?(?:p\.?\s?)?s\.?(?=\s|:|-|$)/i;
const POSTSCRIPT_SEARCH_LINES = 8;
const MAX_CONTACT_BLOCK_LINES = 10;
const MAX_TAGLINE_LENGTH = 160;

export interface SignatureResult {
  signOff?: string;
}

function removeTaglines(sheet: LineSheet): void {
  for (const index of visibleContentIndices(sheet)) {
    const line = lineAt(sheet, index);
    if (line.length <= MAX_TAGLINE_LENGTH && CLIENT_TAGLINE.test(line)) removeLines(sheet, [index], 'signature');
  }
}

function removeBelowDelimiter(sheet: LineSheet): void {
  const content = visibleContentIndices(sheet);
  for (let position = 0; position < content.length; position++) {
    const index = content[position] ?? 0;
    const line = lineAt(sheet, index);
    if (!DELIMITER.test(line)) continue;
    const below = content.length - position - 1;
    const hasStandardSpace = line.startsWith('-- ');
    if (!hasStandardSpace && below > MAX_LINES_UNDER_BARE_DELIMITER) continue;
    const rest: number[] = [];
    for (let other = index; other < sheet.lines.length; other++) if (isVisible(sheet, other)) rest.push(other);
    removeLines(sheet, rest, 'signature');
    return;
  }
}

function startsParagraph(sheet: LineSheet, index: number): boolean {
  return index === 0 || !isVisible(sheet, index - 1) || isBlank(lineAt(sheet, index - 1));
}

/**
 * Walks up from the last line over signature-looking lines; a sign-off above them
 * closes the message. Returns the sign-off's position in `content`, or -1.
 */
function findSignOff(sheet: LineSheet, content: readonly number[], authorNames: readonly string[]): number {
  let linesBelow = 0;
  for (let position = content.length - 1; position >= 0; position--) {
    const index = content[position] ?? 0;
    const line = lineAt(sheet, index);
    const context: SignOffContext = { authorNames };
    if (position > 0) context.previousLine = lineAt(sheet, content[position - 1] ?? 0);
    if (position + 1 < content.length) context.nextLine = lineAt(sheet, content[position + 1] ?? 0);
    if (isSignOffLine(line, context)) return position;
    // Rule lines sit between a signature and the notice removed under it.
    if (isDecorationLine(line)) continue;
    if (linesBelow >= MAX_LINES_UNDER_SIGN_OFF || !isSignatureBlockLine(line, authorNames)) return -1;
    linesBelow++;
  }
  return -1;
}

/**
 * With no sign-off: a block at the end made of name, title and contact lines. It must
 * hold a line that can only be contact details, or be a paragraph of its own that
 * names a company or job title ("Facilities Team / Quill Labs Ltd"), or be just the
 * author's own name.
 */
function findContactBlockStart(sheet: LineSheet, content: readonly number[], authorNames: readonly string[]): number {
  let start = -1;
  for (let position = content.length - 1; position >= 0 && content.length - position <= MAX_CONTACT_BLOCK_LINES; position--) {
    const line = lineAt(sheet, content[position] ?? 0);
    if (!isDecorationLine(line) && !isSignatureBlockLine(line, authorNames)) break;
    start = position;
  }
  if (start < 0) return -1;
  // Keep the block's top at a paragraph start or on a name, so a list at the end of
  // the message body is not taken for contact details.
  while (start < content.length) {
    const index = content[start] ?? 0;
    const line = lineAt(sheet, index);
    if (startsParagraph(sheet, index) || isAuthorNameLine(line, authorNames) || isNameLikeLine(line)) break;
    start++;
  }
  const block = content.slice(start).map((index) => lineAt(sheet, index));
  const first = block[0];
  if (first === undefined) return -1;
  if (start > 0 && block.some(isStrongContactLine)) return start;
  const isOwnParagraph = startsParagraph(sheet, content[start] ?? 0);
  if (start > 0 && isOwnParagraph && block.length >= 2 && (isNameLikeLine(first) || isAuthorNameLine(first, authorNames)) && block.some(isTitleOrCompanyLine)) {
    return start;
  }
  // Failing all that, the author's name alone on the last line is still a signature.
  const last = content.length - 1;
  return isAuthorNameLine(lineAt(sheet, content[last] ?? 0), authorNames) && last > 0 ? last : -1;
}

/** Where a closing postscript starts among the last lines, or the content's length. */
function postscriptStart(sheet: LineSheet, content: readonly number[]): number {
  for (let position = content.length - 1; position > 0 && content.length - position <= POSTSCRIPT_SEARCH_LINES; position--) {
    if (POSTSCRIPT.test(lineAt(sheet, content[position] ?? 0))) return position;
  }
  return content.length;
}

export function detectSignature(sheet: LineSheet, authorNames: readonly string[]): SignatureResult {
  removeTaglines(sheet);
  removeBelowDelimiter(sheet);
  const content = visibleContentIndices(sheet);
  // The signature sits above a postscript; search only there and leave the P.S. alone.
  const searchable = content.slice(0, postscriptStart(sheet, content));
  const signOffPosition = findSignOff(sheet, searchable, authorNames);
  if (signOffPosition >= 0) {
    const signOffIndex = searchable[signOffPosition] ?? 0;
    const signOff = lineAt(sheet, signOffIndex).trim();
    removeLines(sheet, searchable.slice(signOffPosition), 'signature');
    return { signOff };
  }
  const blockStart = findContactBlockStart(sheet, searchable, authorNames);
  if (blockStart >= 0) removeLines(sheet, searchable.slice(blockStart), 'signature');
  return {};
}
