/**
 * The one-line introductions mail clients put above a quoted reply: "On <date>, <who>
 * wrote:" and its translations. Gmail wraps long ones over two or three lines, so a
 * caller may pass several lines joined with spaces.
 */
import { parseMailbox, type Mailbox } from './mailbox-text.js';

export interface Attribution {
  author?: Mailbox;
  dateText?: string;
  /** Whether the line carries a date, time or address, i.e. is not ordinary prose. */
  hasEvidence: boolean;
  /** Quoted text that follows on the attribution's own line, as Yahoo's mobile app writes it. */
  trailingText?: string;
}

/** Longest text treated as an attribution; longer lines are prose or garbage. */
export const MAX_ATTRIBUTION_LENGTH = 400;

// "On <date>, <who> wrote:" — English, French, Spanish, Italian, Portuguese put the
// author after the date and the verb at the end.
const DATE_THEN_AUTHOR =
  /^(?:on|le|el|il giorno|il|em)\s+(.+?)\s*(?:wrote|a écrit|a ecrit|escribió|escribio|ha scritto|escreveu)\s*:$/i;
// "Am <date> schrieb <who>:" — German and Dutch put the author after the verb.
const DATE_VERB_AUTHOR = /^(?:am|op)\s+(.+?)\s+(?:schrieb|schreef)\s+(.+?)\s*:$/i;
// "<who> wrote:" with no date, as Thunderbird and some webmails write it.
const AUTHOR_ONLY = /^(.+?)\s+(?:wrote|schrieb|a écrit|escribió|ha scritto|escreveu|schreef)\s*:$/i;
/** Lines that may be the first line of a wrapped attribution. */
export const ATTRIBUTION_START = /^\s*(?:on|le|el|il|em|am|op)\s/i;
// A time of day with its optional AM/PM and time zone ("07:30:12 PM GMT", "10:02 Uhr").
const TIME_OF_DAY =
  /(?<![\d.:])\d{1,2}[:h]\d{2}(?::\d{2})?(?:\s*(?:[ap]\.?\s?m\.?|uhr|h)(?![\p{L}]))?(?:\s*\(?(?:GMT|UTC|BST|CET|CEST|EET|EEST|WET|WEST|EST|EDT|CST|CDT|MST|MDT|PST|PDT|IST|JST|AEST|AEDT)(?:\s?[+-]\d{1,2}(?::?\d{2})?)?\)?(?!\p{L})|\s*[+-]\d{4})?/giu;
const EVIDENCE = /\d|@/;
const NAME_ONLY = /^\p{Lu}[\p{L}\p{M}.'’-]*(?:\s+\p{Lu}[\p{L}\p{M}.'’-]*){0,3}$/u;
/** Yahoo mobile: "On Fri, …, Ada<ada@x> wrote:   Party starts at 7" on one line. */
const TEXT_AFTER_VERB = /^(\s*on\s.{1,300}?\swrote:)\s{2,}(\S.*)$/i;

export function parseAttribution(text: string): Attribution | undefined {
  const line = text.trim();
  if (line.length < 6) return undefined;
  const endsWithColon = line.endsWith(':');
  if (endsWithColon && line.length > MAX_ATTRIBUTION_LENGTH) return undefined;
  if (!endsWithColon) {
    const glued = TEXT_AFTER_VERB.exec(line);
    if (glued?.[1] === undefined || glued[2] === undefined) return undefined;
    const attribution = parseAttribution(glued[1]);
    return attribution?.hasEvidence === true ? { ...attribution, trailingText: glued[2].trim() } : undefined;
  }
  const hasEvidence = EVIDENCE.test(line);

  const dateFirst = DATE_THEN_AUTHOR.exec(line);
  if (dateFirst?.[1] !== undefined) return { ...splitDateAndAuthor(dateFirst[1]), hasEvidence };

  const verbFirst = DATE_VERB_AUTHOR.exec(line);
  if (verbFirst?.[1] !== undefined && verbFirst[2] !== undefined) {
    const attribution: Attribution = { hasEvidence, dateText: cleanDateText(verbFirst[1]) };
    const author = parseMailbox(verbFirst[2]);
    if (author !== undefined) attribution.author = author;
    return attribution;
  }

  const authorOnly = AUTHOR_ONLY.exec(line);
  if (authorOnly?.[1] !== undefined && authorOnly[1].length <= 200) {
    // Only an address or a bare capitalised name makes the text before "wrote:" an
    // author ("Here's what Bob wrote:" still introduces a quote, unnamed), and only an
    // address makes it believable without `>` lines under it.
    const author = parseMailbox(authorOnly[1]);
    const isName = author?.name !== undefined && NAME_ONLY.test(author.name);
    const hasAddress = line.includes('@');
    if (author !== undefined && (author.address !== undefined || isName)) return { author, hasEvidence: hasAddress };
    return { hasEvidence: hasAddress };
  }
  return undefined;
}

/**
 * Splits "Tue, Mar 5, 2024 at 10:02 AM Bob Smith <bob@x>" into date and author: the
 * author starts after the last time of day, or after the last comma when no time is
 * given ("Mar 5, 2024, Bob Smith <bob@x>").
 */
function splitDateAndAuthor(body: string): Omit<Attribution, 'hasEvidence'> {
  let cut = -1;
  TIME_OF_DAY.lastIndex = 0;
  for (let match = TIME_OF_DAY.exec(body); match !== null; match = TIME_OF_DAY.exec(body)) {
    cut = match.index + match[0].length;
  }
  if (cut < 0) {
    const addressStart = body.search(/[<([]|\S+@/);
    const beforeAddress = addressStart >= 0 ? body.slice(0, addressStart) : body;
    const lastComma = beforeAddress.lastIndexOf(',');
    if (lastComma >= 0) cut = lastComma + 1;
  }
  if (cut < 0) {
    const author = parseMailbox(body);
    return author?.address !== undefined ? { author: { address: author.address } } : { dateText: cleanDateText(body) };
  }
  const result: Omit<Attribution, 'hasEvidence'> = {};
  const dateText = cleanDateText(body.slice(0, cut));
  if (dateText.length > 0) result.dateText = dateText;
  const author = parseMailbox(body.slice(cut));
  if (author !== undefined) result.author = author;
  return result;
}

function cleanDateText(text: string): string {
  return text.replace(/^[\s,]+|[\s,]+$/g, '');
}
