/**
 * BERT's "basic tokenizer": the normalisation and word splitting that run before WordPiece.
 * It follows the Hugging Face `tokenizers` BertNormalizer and BertPreTokenizer (the code
 * that produced the vocabularies of the sentence-transformers exports), character for
 * character, so the ids we feed match the ones the model was trained on.
 */

export interface BertNormalizerSettings {
  /** Drop NUL, U+FFFD and control characters; turn every kind of whitespace into a space. */
  cleanText: boolean;
  /** Put spaces around CJK ideographs, so each becomes a word of its own. */
  handleChineseCharacters: boolean;
  /** Decompose (NFD) and drop non-spacing marks: "café" → "cafe". */
  stripAccents: boolean;
  lowercase: boolean;
}

/** The settings of the uncased BERT vocabularies (MiniLM, nomic). */
export const uncasedBertNormalizer: BertNormalizerSettings = {
  cleanText: true,
  handleChineseCharacters: true,
  stripAccents: true,
  lowercase: true,
};

const otherCategory = /\p{C}/u;
const whiteSpace = /\p{White_Space}/u;
const nonSpacingMark = /\p{Mn}/u;
const unicodePunctuation = /\p{P}/u;

function isControl(character: string): boolean {
  // Tab and newlines are Cc too, but BERT counts them as whitespace.
  if (character === '\t' || character === '\n' || character === '\r') return false;
  return otherCategory.test(character);
}

function isWhitespace(character: string): boolean {
  return character === ' ' || character === '\t' || character === '\n' || character === '\r' || whiteSpace.test(character);
}

/** The CJK Unified Ideographs blocks; Hangul and kana are not in them, as in BERT. */
function isChineseCharacter(codePoint: number): boolean {
  return (
    (codePoint >= 0x4e00 && codePoint <= 0x9fff) ||
    (codePoint >= 0x3400 && codePoint <= 0x4dbf) ||
    (codePoint >= 0x20000 && codePoint <= 0x2a6df) ||
    (codePoint >= 0x2a700 && codePoint <= 0x2b73f) ||
    (codePoint >= 0x2b740 && codePoint <= 0x2b81f) ||
    (codePoint >= 0x2b820 && codePoint <= 0x2ceaf) ||
    (codePoint >= 0xf900 && codePoint <= 0xfaff) ||
    (codePoint >= 0x2f800 && codePoint <= 0x2fa1f)
  );
}

/** ASCII symbols such as `$`, `+`, `^` are not Unicode punctuation, but BERT splits on them too. */
function isPunctuation(character: string): boolean {
  const codePoint = character.codePointAt(0) ?? 0;
  if ((codePoint >= 33 && codePoint <= 47) || (codePoint >= 58 && codePoint <= 64)) return true;
  if ((codePoint >= 91 && codePoint <= 96) || (codePoint >= 123 && codePoint <= 126)) return true;
  return unicodePunctuation.test(character);
}

export function normalizeBertText(text: string, settings: BertNormalizerSettings): string {
  let result = text;
  if (settings.cleanText) {
    let cleaned = '';
    for (const character of result) {
      const codePoint = character.codePointAt(0) ?? 0;
      if (codePoint === 0 || codePoint === 0xfffd || isControl(character)) continue;
      cleaned += isWhitespace(character) ? ' ' : character;
    }
    result = cleaned;
  }
  if (settings.handleChineseCharacters) {
    let spaced = '';
    for (const character of result) {
      spaced += isChineseCharacter(character.codePointAt(0) ?? 0) ? ` ${character} ` : character;
    }
    result = spaced;
  }
  if (settings.stripAccents) {
    let stripped = '';
    for (const character of result.normalize('NFD')) if (!nonSpacingMark.test(character)) stripped += character;
    result = stripped;
  }
  if (settings.lowercase) {
    // Character by character, as the Rust tokenizer does: no final-sigma rule.
    let lowered = '';
    for (const character of result) lowered += character.toLowerCase();
    result = lowered;
  }
  return result;
}

/** Splits on whitespace (dropped) and punctuation (each mark kept as a word of its own). */
export function splitBertWords(text: string): string[] {
  const words: string[] = [];
  let current = '';
  for (const character of text) {
    if (isWhitespace(character)) {
      if (current) words.push(current);
      current = '';
    } else if (isPunctuation(character)) {
      if (current) words.push(current);
      words.push(character);
      current = '';
    } else {
      current += character;
    }
  }
  if (current) words.push(current);
  return words;
}
