/**
 * Cuts text into the pieces that each get their own flite run. flite speaks its `-t` text as
 * one utterance and writes nothing until all of it is synthesised, so a piece per sentence
 * is what lets the first sentence's audio out before the rest is made. Very short sentences
 * ("Dr.", "Hi.") are joined to the next so a false sentence end costs no audible break, and
 * a piece never exceeds `maxChars` (argv has a per-argument limit, and one long utterance
 * would hold back all its audio).
 */
export interface UtterancePiecesOptions {
  /** Sentences are joined until a piece has at least this many characters (default 40). */
  minChars?: number;
  /** No piece is longer than this; longer text is cut between words (default 600). */
  maxChars?: number;
}

export function utterancePieces(text: string, options: UtterancePiecesOptions = {}): string[] {
  const minChars = options.minChars ?? 40;
  const maxChars = options.maxChars ?? 600;
  // Control characters (NUL above all) cannot go into argv and mean nothing to a speaker.
  const clean = text.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, ' ');
  const sentences = clean
    .split(/(?<=[.!?…])\s+|\n\s*\n/)
    .map((sentence) => sentence.replace(/\s+/g, ' ').trim())
    .filter((sentence) => sentence !== '');

  const pieces: string[] = [];
  let current = '';
  const flush = (): void => {
    if (current !== '') pieces.push(current);
    current = '';
  };
  for (const sentence of sentences) {
    for (const part of cutBetweenWords(sentence, maxChars)) {
      if (current !== '' && current.length + 1 + part.length > maxChars) flush();
      current = current === '' ? part : `${current} ${part}`;
      if (current.length >= minChars) flush();
    }
  }
  flush();
  return pieces;
}

function cutBetweenWords(sentence: string, maxChars: number): string[] {
  const parts: string[] = [];
  let rest = sentence;
  while (rest.length > maxChars) {
    const space = rest.lastIndexOf(' ', maxChars);
    // A "word" longer than a piece (a URL, a hash) is cut where it must be.
    const end = space > 0 ? space : maxChars;
    parts.push(rest.slice(0, end).trim());
    rest = rest.slice(end).trim();
  }
  if (rest !== '') parts.push(rest);
  return parts;
}
