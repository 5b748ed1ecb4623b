/**
 * Removes newsletter and notification footers: unsubscribe and preference links,
 * "view this email in your browser", "you are receiving this email because", the
 * copyright line and the sender's postal address under them.
 */
import { isPostalLine, isSocialLinksLine, isStrongContactLine } from './contact-line.js';
import { lineAt, removeLines, visibleContentIndices, visibleParagraphs, type LineSheet } from './line-sheet.js';

const FOOTER_CUE = new RegExp(
  [
    String.raw`\b(?:click|tap)\s+here\s+to\s+unsubscribe|(?:^|[.!]\s+)\W*to\s+unsubscribe\b|\bif\s+you\s+(?:wish|want|would\s+like)\s+to\s+unsubscribe\b|\bor\s+unsubscribe\b|\bview\s+it\s+on\s+(?:github|gitlab|jira|slack|confluence)\b|\bunsubscribe\s+(?:from\s+(?:this|these|our|all|the|future)\b|here\b|instantly|at\s+any\s+time|now\b)`,
    String.raw`\bmanage\s+(?:your\s+)?(?:email\s+|subscription\s+|notification\s+|communication\s+|mailing\s+)?(?:preferences|subscriptions?|settings)\b`,
    String.raw`\bupdate\s+(?:your\s+)?(?:email\s+|subscription\s+|mailing\s+)?preferences\b|\b(?:email|subscription|notification|mailing)\s+(?:preferences|settings)\b`,
    String.raw`\bview\s+(?:this\s+(?:e-?mail|message|newsletter)\s+|it\s+)?(?:online|in\s+(?:your|a)\s+(?:web\s+)?browser)\b|\bhaving\s+trouble\s+(?:viewing|reading|seeing)\b`,
    String.raw`\byou(?:'re|’re|\s+are)\s+receiving\s+this\b|\byou\s+(?:received|are\s+getting|get|were\s+sent)\s+this\s+(?:e-?mail|message|newsletter|notification)\b|\bthis\s+(?:e-?mail|message|newsletter)\s+was\s+sent\s+(?:to|by)\b|\bsent\s+to\s+\S+@\S+\s+because\b`,
    String.raw`©\s*\S|\(c\)\s*\d{4}|\bcopyright\s*\d{4}|\ball\s+rights\s+reserved\b|\bour\s+mailing\s+address\s+is\b|\bchange\s+how\s+you\s+receive\s+these\b`,
    String.raw`\badd\s+(?:us|\S+@\S+)\s+to\s+your\s+(?:address\s+book|contacts|safe\s+senders)|\bno\s+longer\s+(?:wish|want)\s+to\s+receive\b|\bstop\s+receiving\s+(?:these|this|our)\b|\bopt[- ]out\s+(?:of\s+(?:these|this|our|future|all)\s+)?(?:e-?mails|messages|communications|mailings|here)\b`,
    String.raw`\bforward\s+(?:this\s+(?:e-?mail|newsletter)\s+)?to\s+a\s+friend\b|\bfollow\s+us\s+on\b|\bprivacy\s+policy\s*[|·•]|[|·•]\s*privacy\s+policy\b|^\W*terms\s+(?:of\s+(?:use|service)|&\s+conditions)\s*[|·•]`,
    String.raw`\bse\s+désabonner|\bdésabonnement|\bnewsletter\s+abbestellen|\bdarse\s+de\s+baja|\bcancelar\s+(?:la\s+)?suscripci[oó]n|\bannulla\s+(?:l'|la\s+)?iscrizione|\bcancelar\s+(?:a\s+)?inscri[cç][aã]o|\bdescadastrar`,
  ].join('|'),
  // No `u` flag: case-insensitive Unicode matching made this scan about 30 times slower.
  'i',
);
/** "Unsubscribe" alone, or in a short row of links, is a footer; in a sentence it is not. */
const SHORT_UNSUBSCRIBE = /\b(?:unsubscribe|opt[- ]out|abmelden|abbestellen|uitschrijven|afmelden|désinscri\w*|disiscriviti|descadastrar)\b/i;
const MAX_WORDS_BESIDE_SHORT_CUE = 6;
const MAX_FOOTER_LINE_LENGTH = 300;
/** Browser-view links sit above a newsletter's first line. */
const BROWSER_VIEW_CUE = /\bview\s+(?:this\s+(?:e-?mail|message|newsletter)\s+|it\s+)?(?:online|in\s+(?:your|a)\s+(?:web\s+)?browser)\b|\bhaving\s+trouble\s+(?:viewing|reading|seeing)\b/i;

function isFooterCueLine(line: string): boolean {
  const text = line.trim();
  if (text.length === 0 || text.length > MAX_FOOTER_LINE_LENGTH) return false;
  if (FOOTER_CUE.test(text)) return true;
  return SHORT_UNSUBSCRIBE.test(text) && text.split(/\s+/).length <= MAX_WORDS_BESIDE_SHORT_CUE;
}

/** Lines that accompany footer cues: the company's address, links, social icons' labels. */
function isFooterCompanionLine(line: string): boolean {
  const text = line.trim();
  if (text.length > 200) return false;
  return isPostalLine(text) || isSocialLinksLine(text) || isStrongContactLine(text) || /^[\p{Lu}\d][^.?!]{0,60}$/u.test(text);
}

export function detectFooter(sheet: LineSheet): void {
  const paragraphs = visibleParagraphs(sheet);
  // From the end: take paragraphs that hold a footer cue, plus the address and link
  // paragraphs between them; stop at the first paragraph of ordinary text. The first
  // paragraph is never a footer: a footer needs a message above it.
  let firstFooterParagraph = paragraphs.length;
  let sawCue = false;
  for (let position = paragraphs.length - 1; position >= 1; position--) {
    const lines = (paragraphs[position] ?? []).map((index) => lineAt(sheet, index));
    const hasCue = lines.some(isFooterCueLine);
    const isCompanion = lines.length <= 4 && lines.every(isFooterCompanionLine);
    if (!hasCue && !isCompanion) break;
    sawCue ||= hasCue;
    firstFooterParagraph = position;
  }
  if (sawCue) {
    // Companion paragraphs above the topmost cue are the message's own last lines.
    while (firstFooterParagraph < paragraphs.length) {
      const lines = (paragraphs[firstFooterParagraph] ?? []).map((index) => lineAt(sheet, index));
      if (lines.some(isFooterCueLine)) break;
      firstFooterParagraph++;
    }
    for (const paragraph of paragraphs.slice(firstFooterParagraph)) {
      // Inside a footer paragraph a line of real text ("Thanks for shopping with us!") stays.
      const footerLines = paragraph.filter((index) => {
        const line = lineAt(sheet, index);
        return isFooterCueLine(line) || isFooterCompanionLine(line);
      });
      removeLines(sheet, footerLines, 'footer');
    }
  }
  // Browser-view links above the newsletter's first line.
  for (const index of visibleContentIndices(sheet)) {
    const line = lineAt(sheet, index);
    if (line.length > MAX_FOOTER_LINE_LENGTH || !BROWSER_VIEW_CUE.test(line)) break;
    removeLines(sheet, [index], 'footer');
  }
}
