/**
 * Splits a message into its greeting, its body and its sign-off. How someone opens and
 * closes ("Hi Tom," … "Cheers,") is among the most stable habits a writer has, and the
 * body's sentence statistics should not count those lines as sentences. The body comes
 * back unwrapped: email's hard line breaks are not the writer's sentences, list items are.
 */

export interface MessageFrame {
  /** As written, e.g. "Hi Tom,". */
  greeting?: string;
  /** As written without the name after it, e.g. "Cheers," or "— M". */
  signOff?: string;
  /** Paragraphs and list items, each with its lines joined; quoted lines ("> …") dropped. */
  segments: string[];
}

const GREETING = /^(?:hi|hello|hey|hiya|heya|hallo|dear|dearest|greetings|howdy|yo|good\s+(?:morning|afternoon|evening|day)|morning|evening|vanakkam|namaste|வணக்கம்)(?![\p{L}\p{M}])/iu;
const CLOSING =
  /^(?:cheers|many\s+thanks|thanks\s+again|thanks|thank\s+you|best\s+regards|kind\s+regards|warm\s+regards|warmest\s+regards|regards|all\s+the\s+best|best\s+wishes|warm\s+wishes|best|warmly|sincerely|yours\s+(?:sincerely|truly|faithfully)|yours|lots\s+of\s+love|much\s+love|love|take\s+care|talk\s+soon|speak\s+soon|see\s+you(?:\s+soon)?|later|xoxo|xo|ttyl|with\s+thanks|rgds|nandri|நன்றி)(?![\p{L}\p{M}])/iu;
const DASH_SIGNATURE = /^(?:—|–|--|-|~)\s*\p{L}[\p{L}\p{M}.'’ ]{0,24}$/u;
const NAME_LINE = /^(?:\p{Lu}[\p{L}\p{M}.'’-]*|\p{Lu})(?:\s+\p{Lu}[\p{L}\p{M}.'’-]*){0,2}$/u;
const NAME_AFTER_CLOSING = /^([,.!]*)\s*(?:\p{Lu}[\p{L}\p{M}.'’-]*\s*){1,3}$/u;
const LIST_MARKER = /^(?:[-*•‣◦]|\d{1,3}[.)]|\(?[a-z]\))\s+/u;
/** Group addresses that stay in a normalised greeting ("Hi everyone,"), unlike names. */
const GROUP_WORDS = new Set(['all', 'everyone', 'everybody', 'team', 'there', 'folks', 'guys', 'both', 'y’all', "y'all"]);

function wordCount(line: string): number {
  return line.split(/\s+/).filter(Boolean).length;
}

export function frameMessage(text: string): MessageFrame {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const filled = (): number[] => lines.flatMap((line, index) => (line.trim() ? [index] : []));
  let greeting: string | undefined;
  let signOff: string | undefined;

  let present = filled();
  const first = present[0];
  if (first !== undefined && present.length > 1) {
    const line = lines[first]!.trim();
    if (GREETING.test(line) && (wordCount(line) <= 3 || (wordCount(line) <= 5 && /[,!:]$/.test(line)))) {
      greeting = line;
      lines[first] = '';
    }
  }
  if (greeting === undefined && first !== undefined) {
    // "Hi Tom, quick one: …" on one line: the greeting is the part up to the first comma or "!".
    const line = lines[first]!.trimStart();
    const prefix = GREETING.test(line) ? /^[^,!\n]{1,40}?[,!]\s+/u.exec(line)?.[0] : undefined;
    if (prefix && wordCount(prefix) <= 5 && line.slice(prefix.length).trim()) {
      greeting = prefix.trim();
      lines[first] = line.slice(prefix.length);
    }
  }

  present = filled();
  if (present.length > 1) {
    const lastIndex = present.at(-1)!;
    const last = lines[lastIndex]!.trim();
    const beforeIndex = present.at(-2)!;
    const before = lines[beforeIndex]!.trim();
    if (DASH_SIGNATURE.test(last) && wordCount(last) <= 3) {
      signOff = last.replace(/\s+/g, ' ');
      lines[lastIndex] = '';
    } else if (CLOSING.test(last) && wordCount(last) <= 5) {
      signOff = withoutName(last);
      lines[lastIndex] = '';
    } else if (present.length > 2 && CLOSING.test(before) && wordCount(before) <= 4 && NAME_LINE.test(last)) {
      signOff = withoutName(before);
      lines[beforeIndex] = '';
      lines[lastIndex] = '';
    }
  }

  return { greeting, signOff, segments: segmentsOf(lines) };
}

/** "Cheers, Meera" → "Cheers,"; "Thanks so much!" stays as it is. */
function withoutName(line: string): string {
  const closing = CLOSING.exec(line)![0];
  const rest = line.slice(closing.length);
  const name = NAME_AFTER_CLOSING.exec(rest);
  return name ? `${closing}${name[1]}` : line.replace(/\s+/g, ' ');
}

function segmentsOf(lines: readonly string[]): string[] {
  const segments: string[] = [];
  let current = '';
  const flush = (): void => {
    if (current.trim()) segments.push(current.trim());
    current = '';
  };
  for (const raw of lines) {
    const line = raw.trim();
    if (!line) {
      flush();
      continue;
    }
    if (line.startsWith('>')) continue;
    const marker = LIST_MARKER.exec(line);
    if (marker) {
      flush();
      current = line.slice(marker[0].length);
    } else {
      current = current ? `${current} ${line}` : line;
    }
  }
  flush();
  return segments;
}

/**
 * The habit behind a greeting, without the name: "Hi Tom," and "Hi Daniel," are one habit,
 * "Hi <name>,"; "Hi everyone," stays itself.
 */
export function normaliseGreeting(greeting: string): string {
  const opening = GREETING.exec(greeting)?.[0];
  const collapsed = greeting.replace(/\s+/g, ' ').trim();
  if (!opening) return collapsed;
  const rest = collapsed.slice(opening.length);
  const named = rest.replace(/^(\s+)((?:(?:Dr|Mr|Mrs|Ms|Prof)\.?\s+)?\p{Lu}[\p{L}\p{M}'’.-]*(?:\s+\p{Lu}[\p{L}\p{M}'’.-]*)*)/u, (match, space: string, name: string) =>
    GROUP_WORDS.has(name.toLowerCase()) ? match : `${space}<name>`,
  );
  return `${opening}${named}`;
}

/** Sign-offs are kept as written (they carry no name once the name line is dropped); only spacing is evened. */
export function normaliseSignOff(signOff: string): string {
  return signOff.replace(/\s+/g, ' ').trim();
}
