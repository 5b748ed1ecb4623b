/**
 * Removes legal disclaimers and confidentiality notices, a paragraph at a time.
 *
 * A single cue word is not enough: "the numbers are confidential" is a normal sentence.
 * A paragraph is a disclaimer when it opens like one, or carries several distinct cue
 * phrases and sits in the lower half of the message, where gateways append them.
 */
import { lineAt, removeLines, visibleParagraphs, type LineSheet } from './line-sheet.js';

/** Openings that only notices use. */
const DISCLAIMER_OPENING = new RegExp(
  [
    String.raw`^\W{0,4}(?:legal\s+)?disclaimer\b`,
    String.raw`^\W{0,4}(?:confidentiality|privacy|legal|important)\s+(?:notice|note|warning|statement)\b`,
    String.raw`^\W{0,4}(?:privileged\s*(?:&|and|\/)\s*)?confidential(?:ity)?\s*(?:[:\-–]|notice\b|communication\b|$)`,
    String.raw`^\W{0,4}(?:this|the)\s+(?:e-?mail|message|communication|transmission|information)(?:\s+\(including[^)]{0,60}\))?\s+(?:and|including|together with)\s+(?:any|all|its)\s+(?:files?|attachments?|documents?)`,
    String.raw`^\W{0,4}(?:this|the)\s+(?:e-?mail|message|communication|transmission)\s+(?:is|are|may be|may contain|contains?)\s+(?:strictly\s+)?(?:confidential|privileged|intended)`,
    String.raw`^\W{0,4}the\s+information\s+(?:contained\s+)?in\s+this\s+(?:e-?mail|message|communication|transmission)`,
    String.raw`^\W{0,4}(?:ce\s+(?:message|courriel|mail)\s+(?:et\s+(?:toutes|ses)|est\s+confidentiel)|diese\s+(?:e-?mail|nachricht)\s+(?:enthält|ist\s+vertraulich|kann\s+vertrauliche)|este\s+(?:mensaje|correo)\s+(?:y\s+sus|es\s+confidencial|contiene)|dit\s+(?:e-?mail)?bericht\s+(?:is|kan)\s+vertrouwelijk|questo\s+messaggio\s+(?:e|è)\s+(?:riservato|confidenziale)|esta\s+mensagem\s+(?:é|e)\s+confidencial)`,
  ].join('|'),
  'i',
);

/** Each counts once per paragraph however often it appears. */
const DISCLAIMER_CUES: readonly RegExp[] = [
  /\bintended\s+(?:solely|only|exclusively|purely)?\s*(?:for|to\s+be\s+read\s+by)\s+(?:the\s+)?(?:use\s+of\s+)?(?:the\s+)?(?:individual|person|entity|addressee|named|intended|recipient)/i,
  /\bintended\s+recipients?\b/i,
  /\breceived\s+this\s+(?:e-?mail|message|communication|transmission)\s+(?:in\s+error|by\s+mistake)/i,
  /\b(?:legally\s+)?privileged\b/i,
  /\b(?:is|are|be|contain|contains|strictly)\s+confidential\b|\bconfidential\s+(?:and|or|information|material)\b/i,
  // Two of the forbidden acts listed together; the bounded gap keeps the scan linear.
  /\b(?:review|use|dissemination|distribution|disclosure|copying|retention|reproduction)\b[^.]{0,80}?\b(?:dissemination|distribution|disclosure|copying|forwarding|printing)\b/i,
  /\b(?:strictly\s+)?prohibited\b/i,
  /\b(?:notify|inform)\s+(?:the\s+sender|us)\s+(?:immediately|at\s+once|by\s+(?:reply|return))/i,
  /\bnotify\s+the\s+sender\b/i,
  /\b(?:delete|destroy)\s+(?:it|this\s+(?:e-?mail|message|copy)|all\s+copies|the\s+(?:e-?mail|message)|any\s+copies)/i,
  /\baddressee\(?s?\)?\b/i,
  /\b(?:does\s+not|do\s+not|cannot|can\s+not)\s+accept\s+(?:any\s+)?(?:liability|responsibility)|\baccepts?\s+no\s+(?:liability|responsibility)/i,
  /\b(?:views|opinions)\s+(?:expressed|contained)\b/i,
  /\b(?:virus(?:es)?|malware)\b|\bvirus[- ]free\b/i,
  /\bregistered\s+(?:in\s+england|office|number|company|in\s+\w+\s+(?:and\s+wales|under))|\bcompany\s+(?:registration|number|no\.?)\b/i,
  /\berror[- ]free\b|\bsecure\s+or\s+error\b/i,
  /\bvertraulich|\bconfidentiel|\bconfidencial|\bvertrouwelijk|\briservat[oa]|\bdestinatario|\bdestinataire|\bempfänger|\bgeadresseerde/i,
];

/**
 * Notices speak about the message and its recipient; a writer asking colleagues to
 * keep "these figures" confidential does not.
 */
const MENTIONS_THE_MESSAGE =
  /\b(?:this|the)\s+(?:e-?mail|message|communication|transmission)|\brecipients?\b|\baddressee|\bsender\b|\bce\s+(?:message|courriel)|\bdestinataire|\b(?:diese[rs]?)\s+(?:e-?mail|nachricht)|\bempfänger|\b(?:este|esta)\s+(?:mensaje|correo|mensagem)|\bdestinatario|\bdit\s+(?:e-?mail)?bericht|\bgeadresseerde|\bquesto\s+messaggio/i;

/** Single-line notices that are boilerplate however they are placed. */
const STANDALONE_NOTICE = new RegExp(
  [
    String.raw`consider\s+the\s+environment\s+before\s+printing`,
    String.raw`think\s+(?:green\s+)?before\s+(?:you\s+)?print`,
    String.raw`(?:this|the)\s+(?:e-?mail|message)\s+(?:has\s+been|was)\s+(?:scanned|checked)\s+(?:for\s+viruses|by)`,
    String.raw`\bvirus[- ]free\.?\s+(?:www\.|https?:)`,
    String.raw`^\W{0,3}(?:virus[- ]free|scanned\s+by\s+\w+)`,
  ].join('|'),
  'i',
);

/** Paragraphs larger than any notice are message text (and expensive to scan). */
const MAX_NOTICE_LENGTH = 8000;

function countCues(text: string): number {
  let count = 0;
  for (const cue of DISCLAIMER_CUES) if (cue.test(text)) count++;
  return count;
}

interface ParagraphFacts {
  lines: number[];
  text: string;
  cues: number;
  opensLikeNotice: boolean;
  mentionsTheMessage: boolean;
}

function factsOf(sheet: LineSheet, lines: number[]): ParagraphFacts {
  const text = lines.map((index) => lineAt(sheet, index).trim()).join(' ');
  if (text.length > MAX_NOTICE_LENGTH) return { lines, text: '', cues: 0, opensLikeNotice: false, mentionsTheMessage: false };
  return {
    lines,
    text,
    cues: countCues(text),
    opensLikeNotice: DISCLAIMER_OPENING.test(text),
    mentionsTheMessage: MENTIONS_THE_MESSAGE.test(text),
  };
}

/** "DISCLAIMER:" or "CONFIDENTIALITY NOTICE" standing alone as a heading. */
function isNoticeHeading(paragraph: ParagraphFacts): boolean {
  return paragraph.opensLikeNotice && paragraph.text.split(/\s+/).length <= 4;
}

export function detectDisclaimers(sheet: LineSheet): void {
  const paragraphs = visibleParagraphs(sheet).map((lines) => factsOf(sheet, lines));
  const firstContentLine = paragraphs[0]?.lines[0] ?? 0;
  const lastContentLine = paragraphs.at(-1)?.lines.at(-1) ?? 0;
  const middleLine = firstContentLine + (lastContentLine - firstContentLine) / 2;
  // Once a notice starts, the paragraphs after it that still read like one (its other
  // languages, its second half) belong to it.
  let insideNotice = false;
  paragraphs.forEach((paragraph, position) => {
    const inLowerHalf = (paragraph.lines[0] ?? 0) >= middleLine;
    const next = paragraphs[position + 1];
    const isNotice =
      (paragraph.opensLikeNotice && (inLowerHalf || paragraph.cues >= 1)) ||
      (isNoticeHeading(paragraph) && next !== undefined && (next.cues >= 1 || next.opensLikeNotice)) ||
      (paragraph.cues >= 2 && paragraph.mentionsTheMessage && (inLowerHalf || paragraph.cues >= 4)) ||
      (insideNotice && paragraph.cues >= 1) ||
      (paragraph.lines.length <= 2 && STANDALONE_NOTICE.test(paragraph.text));
    if (isNotice) {
      removeLines(sheet, paragraph.lines, 'disclaimer');
      insideNotice = true;
      return;
    }
    insideNotice = false;
    // A notice line glued to the end of the signature block without a blank line.
    for (const index of paragraph.lines) {
      const line = lineAt(sheet, index);
      if (line.length <= 300 && STANDALONE_NOTICE.test(line)) removeLines(sheet, [index], 'disclaimer');
    }
  });
}
