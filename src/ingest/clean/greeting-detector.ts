/**
 * Removes a salutation standing on the message's first line ("Hi Bob,", "Dear Ms.
 * Smith,", "Hey!", "Good morning team,", "Vanakkam,") and returns it as a style feature.
 * A first line that goes on into the message ("Hi Bob, can you send it?") stays.
 */
import { lineAt, removeLines, visibleContentIndices, type LineSheet } from './line-sheet.js';

const MAX_GREETING_LENGTH = 60;

const SALUTATION = new RegExp(
  '^(?:' +
    [
      String.raw`hi+|hello|hallo|hey+|heya|hiya|howdy|yo|greetings|dear|dearest|good\s+(?:morning|afternoon|evening|day)|morning|afternoon|evening|hi\s+there|hello\s+there`,
      String.raw`bonjour|bonsoir|salut|coucou|cher|chère|chers|chères|madame|monsieur`,
      String.raw`liebe[rs]?|sehr\s+geehrte[rs]?|guten\s+(?:morgen|tag|abend)|moin|servus|grüß\s+(?:dich|gott)|hallöchen`,
      String.raw`hola|buenos\s+días|buenos\s+dias|buenas(?:\s+tardes|\s+noches)?|estimad[oa]s?|querid[oa]s?`,
      String.raw`hoi|beste|goedemorgen|goedemiddag|goedenavond|geachte`,
      String.raw`ciao|buongiorno|buonasera|salve|gentile|gentilissim[oa]|egregio|car[oa]|car[ie]`,
      String.raw`olá|ola|oi|bom\s+dia|boa\s+(?:tarde|noite)|prezad[oa]s?`,
      String.raw`vanakkam|வணக்கம்|namaste|namaskar|नमस्ते`,
    ].join('|') +
    ')(?=$|[\\s,.!;:…\\-–—])(.*)$',
  'i',
);
/** Words that may follow the salutation: names, honorifics and group nouns. */
const GREETING_WORDS = new Set([
  'all', 'everyone', 'everybody', 'team', 'folks', 'guys', 'there', 'both', "y'all", 'you', 'again', 'friends', 'colleagues',
  'mr', 'mrs', 'ms', 'miss', 'dr', 'prof', 'sir', 'madam', 'and', '&', 'to', 'tous', 'à', 'toutes', 'alle', 'zusammen',
  'todos', 'a', 'allemaal', 'tutti', 'de', 'la', 'le', 'van', 'von', 'der', 'da', 'di', 'del',
]);
/** A first line made of a name and a comma ("Bob,") greets too, unless the word is an interjection. */
const NAME_ONLY = /^(\p{Lu}[\p{L}\p{M}'’.-]*(?:\s+(?:and|&|\p{Lu}[\p{L}\p{M}'’.-]*)){0,3})\s*,$/u;
const NOT_A_NAME = new Set([
  'yes', 'no', 'sure', 'okay', 'ok', 'well', 'so', 'also', 'thanks', 'thank', 'great', 'agreed', 'done', 'right', 'indeed',
  'absolutely', 'perfect', 'hmm', 'oh', 'ah', 'actually', 'however', 'and', 'but', 'anyway', 'sorry', 'congrats', 'note',
  'first', 'second', 'finally', 'honestly', 'basically', 'meanwhile', 'otherwise', 'besides', 'still', 'now', 'then', 'today',
  'tomorrow', 'yesterday', 'again', 'cheers', 'best', 'regards', 'fine', 'good', 'nice', 'cool', 'wow', 'yeah', 'yep', 'nope',
]);

function isGreetingTail(tail: string): boolean {
  const text = tail.replace(/[,.!:;…\-–—]+\s*$/u, '').replace(/^[\s,]+/, '');
  if (text.length === 0) return true;
  if (/[?]/.test(text)) return false;
  const words = text.split(/[\s,]+/).filter((word) => word.length > 0);
  if (words.length > 5) return false;
  // Writers who never capitalise: "hey bob," is still a greeting when it ends the line.
  if (words.length <= 2 && /[,!]\s*$/.test(tail)) return true;
  return words.every((word) => {
    const bare = word.replace(/[.!]+$/, '');
    return GREETING_WORDS.has(bare.toLocaleLowerCase()) || /^\p{Lu}/u.test(bare) || !/[\p{Lu}\p{Ll}]/u.test(bare);
  });
}

export function isGreetingLine(line: string): boolean {
  const text = line.trim();
  if (text.length === 0 || text.length > MAX_GREETING_LENGTH) return false;
  const salutation = SALUTATION.exec(text);
  if (salutation !== null) return isGreetingTail(salutation[1] ?? '');
  const nameOnly = NAME_ONLY.exec(text);
  if (nameOnly?.[1] === undefined) return false;
  const firstWord = nameOnly[1].split(/\s+/)[0] ?? '';
  return !NOT_A_NAME.has(firstWord.toLocaleLowerCase());
}

/** Removes the greeting line, if the first visible line is one, and returns it. */
export function detectGreeting(sheet: LineSheet): string | undefined {
  const first = visibleContentIndices(sheet)[0];
  if (first === undefined) return undefined;
  const line = lineAt(sheet, first).trim();
  if (!isGreetingLine(line)) return undefined;
  removeLines(sheet, [first], 'greeting');
  return line;
}
