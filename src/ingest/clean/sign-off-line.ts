/**
 * Recognises a closing line ("Best,", "Thanks!", "Cheers, Ada", "Kind regards",
 * "Mit freundlichen Grüßen", "— Ada") and nothing longer: a sentence that merely starts
 * with "Thanks" ("Thanks for the slides, they look great") is message text.
 */
import { isAuthorNameLine } from './contact-line.js';

const MAX_SIGN_OFF_LENGTH = 60;

const CLOSING_PHRASE = new RegExp(
  '^(?:' +
    [
      // English, with the usual intensifiers in front; the longer forms come first
      // because the first alternative that matches is the one whose tail is checked.
      String.raw`(?:thanks|thank\s+you)\s*(?:&|and)\s*(?:best\s+|kind\s+)?regards`,
      String.raw`(?:(?:many|big|huge|warm(?:est)?|kind(?:est)?|best|very\s+best|with\s+(?:best|kind|warm|many)?|all\s+the|much|lots\s+of|sending)\s+)?(?:thanks|thank\s+you|thank\s+u|thanx|thx|tks|ty|tia|regards|wishes|cheers|love|gratitude|appreciation)`,
      String.raw`best|bests|all\s+best|all\s+the\s+best|sincerely|yours(?:\s+(?:truly|sincerely|faithfully|ever))?|(?:very\s+)?truly\s+yours|sincerely\s+yours|cordially|respectfully|warmly|warmest|gratefully|fondly|rgds|br|kr|xo|xoxo|xx|x|hugs|peace|onwards|onward|ta|cheerio|ttyl|laters`,
      String.raw`(?:talk|speak|chat)\s+(?:soon|later|tomorrow|then)|see\s+you(?:\s+(?:soon|then|tomorrow|later|there|monday|tuesday|wednesday|thursday|friday))?|take\s+care|stay\s+safe|be\s+well|until\s+(?:then|next\s+time)|till\s+then|later|ciao|have\s+a\s+(?:great|good|nice|lovely|wonderful)\s+(?:day|weekend|week|evening|one|afternoon)|much\s+appreciated|appreciate\s+it`,
      // French, German, Spanish, Dutch, Italian, Portuguese
      String.raw`(?:bien\s+)?cordialement|bien\s+à\s+(?:vous|toi)|amicalement|amitiés|bises|bisous|merci(?:\s+beaucoup|\s+d'avance|\s+encore)?|bonne\s+(?:journée|soirée|fin\s+de\s+journée)|salutations|sincères\s+salutations`,
      String.raw`(?:mit\s+)?(?:freundlichen|besten|herzlichen|lieben|vielen|viele|liebe|beste|schöne|sonnige)\s+grü(?:ß|ss)en?|grü(?:ß|ss)e|gru(?:ß|ss)|lg|vg|mfg|danke(?:\s+schön|\s+dir|\s+euch)?|vielen\s+dank|bis\s+(?:bald|dann|morgen)|tschüss|ciao`,
      String.raw`(?:un\s+)?saludos?(?:\s+cordiales)?|atentamente|un\s+(?:abrazo|beso)|abrazos|besos|(?:muchas\s+)?gracias|hasta\s+(?:pronto|luego|mañana)`,
      String.raw`(?:met\s+)?(?:vriendelijke|hartelijke|beste)\s+groet(?:en)?|groet(?:en|jes)?|(?:hartelijk\s+)?bedankt|dank\s+je(?:\s+wel)?|tot\s+(?:snel|ziens|morgen)`,
      String.raw`(?:cordiali|distinti|tanti)\s+saluti|saluti|un\s+saluto|grazie(?:\s+mille)?|a\s+presto|un\s+abbraccio`,
      String.raw`atenciosamente|abraços|abraço|abs|obrigad[oa]|beijos|até\s+(?:logo|breve|mais)|cumprimentos`,
      // Tamil (romanised and in script)
      String.raw`nandri|நன்றி|அன்புடன்`,
    ].join('|') +
    ')(?=$|[\\s,.!;:…\\-–—~)(])(.*)$',
  'i',
);

/** Words that may follow a closing phrase on the same line without making it a sentence. */
const TRAILING_MODIFIERS = new Set([
  'so', 'much', 'again', 'a', 'lot', 'very', 'in', 'advance', 'all', 'everyone', 'everybody', 'team', 'folks', 'guys',
  'heaps', 'bunch', 'million', 'for', 'everything', 'now', 'and', 'regards', 'best', 'you', 'both', 'from', 'me', 'us',
  'always', 'tons', 'loads', 'mate', 'friends', 'y\'all',
]);
const EMOTICON_OR_PUNCTUATION = /^[\s,.!;:…\-–—~()'"*_\p{Extended_Pictographic}\u{FE0F}\u{200D}]*$/u;
const DASHED_NAME = /^[-–—~]+\s?(\p{L}[\p{L}\p{M}.'’-]*(?:\s\p{L}[\p{L}\p{M}.'’-]*){0,2})$/u;

function isAcceptableTail(tail: string, authorNames: readonly string[]): boolean {
  if (EMOTICON_OR_PUNCTUATION.test(tail)) return true;
  const words = tail
    .replace(/[,.!;:…()'"*_~]+/g, ' ')
    .replace(/^\s*[-–—]+\s*/, ' ')
    .split(/\s+/)
    .filter((word) => word.length > 0);
  if (words.length === 0 || words.length > 4) return words.length === 0;
  if (isAuthorNameLine(words.join(' '), authorNames)) return true;
  // Anything else must be modifiers ("so much", "again") or a capitalised name ("Ada").
  let sawName = false;
  for (const word of words) {
    if (!sawName && TRAILING_MODIFIERS.has(word.toLocaleLowerCase())) continue;
    if (/^\p{Lu}/u.test(word) || !/[\p{Lu}\p{Ll}]/u.test(word)) {
      sawName = true;
      continue;
    }
    return false;
  }
  return true;
}

export interface SignOffContext {
  authorNames: readonly string[];
  /** The content lines around; a dashed name next to a dashed list item is another list item. */
  previousLine?: string;
  nextLine?: string;
}

const LIST_ITEM = /^\s*[-–—~*•]/;

export function isSignOffLine(line: string, context: SignOffContext): boolean {
  const text = line.trim();
  if (text.length === 0 || text.length > MAX_SIGN_OFF_LENGTH) return false;
  const closing = CLOSING_PHRASE.exec(text);
  if (closing !== null) return isAcceptableTail(closing[1] ?? '', context.authorNames);
  const dashed = DASHED_NAME.exec(text);
  if (dashed?.[1] !== undefined) {
    if (LIST_ITEM.test(context.previousLine ?? '') || LIST_ITEM.test(context.nextLine ?? '')) return false;
    return /^\p{Lu}/u.test(dashed[1]) || !/[\p{Lu}\p{Ll}]/u.test(dashed[1]) || isAuthorNameLine(dashed[1], context.authorNames);
  }
  return false;
}
