/**
 * Sentences of a recalled passage: to stream it a sentence at a time, and to shorten a
 * long one at a sentence boundary rather than mid-thought. The pieces always join back
 * into the exact text, so what is streamed stays verbatim.
 *
 * Our own rule rather than `Intl.Segmenter`: ICU ends a sentence at every line break, and
 * the corpus is full of hard-wrapped text ("Decoction\nfirst, milk boiled separately").
 */

/** Words whose trailing full stop does not end a sentence. */
const abbreviations = new Set(['mr', 'mrs', 'ms', 'dr', 'prof', 'st', 'sr', 'jr', 'vs', 'etc', 'e.g', 'i.e', 'no', 'fig', 'approx', 'dept', 'rev']);

/** Terminal punctuation (with closing quotes or brackets) then whitespace; or a blank line. */
const boundary = /[.!?…]+["'”’»)\]]*\s+|\n[ \t]*\n\s*/g;

export function splitSentences(text: string): string[] {
  const sentences: string[] = [];
  let start = 0;
  for (const match of text.matchAll(boundary)) {
    const end = match.index + match[0].length;
    if (isAbbreviation(text, match.index, match[0])) continue;
    sentences.push(text.slice(start, end));
    start = end;
  }
  if (start < text.length) sentences.push(text.slice(start));
  return sentences;
}

function isAbbreviation(text: string, at: number, punctuation: string): boolean {
  if (!punctuation.startsWith('.') || punctuation.startsWith('..')) return false;
  const word = /([\p{L}.]+)$/u.exec(text.slice(Math.max(0, at - 12), at))?.[1]?.toLowerCase();
  if (!word) return false;
  // A single capital letter is an initial ("J. R. Tolkien").
  return abbreviations.has(word) || /^\p{Lu}$/u.test(text.slice(at - 1, at));
}

/**
 * At most `maxCharacters`, ending at a sentence boundary. A passage that starts mid-sentence
 * (chunks overlap, so a chunk may open inside a sentence) starts at its first whole
 * sentence instead. A first sentence longer than the limit is cut at a word, with "…".
 */
export function trimPassage(text: string, maxCharacters: number): string {
  let sentences = splitSentences(text.trim());
  if (sentences.length > 1 && /^\p{Ll}/u.test(sentences[0]!)) sentences = sentences.slice(1);
  let result = '';
  for (const sentence of sentences) {
    if ((result + sentence).trimEnd().length > maxCharacters) break;
    result += sentence;
  }
  if (result) return result.trimEnd();
  const first = sentences[0] ?? '';
  const cut = first.slice(0, maxCharacters);
  const lastSpace = cut.search(/\s\S*$/);
  return `${(lastSpace > maxCharacters / 2 ? cut.slice(0, lastSpace) : cut).trimEnd()}…`;
}
