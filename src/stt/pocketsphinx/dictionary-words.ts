/**
 * Text to the word forms the CMU dictionary uses: lowercase, letters and inner
 * apostrophes, digits spelled out. Used for language-model training text and for
 * scoring (word error rate), so both sides see the same forms.
 */

const ones = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen'];
const tens = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];

function belowThousand(value: number): string[] {
  const words: string[] = [];
  if (value >= 100) {
    words.push(ones[Math.floor(value / 100)]!, 'hundred');
    value %= 100;
    if (value === 0) return words;
  }
  if (value < 20) words.push(ones[value]!);
  else {
    words.push(tens[Math.floor(value / 10)]!);
    if (value % 10) words.push(ones[value % 10]!);
  }
  return words;
}

/** An integer as spoken words; four-digit years are read the way people say them ("nineteen eighty four"). */
export function numberWords(digits: string): string[] {
  if (!/^\d+$/.test(digits)) return [];
  // Long digit strings (phone numbers, postcodes) are read digit by digit.
  if (digits.length > 6 || (digits.length > 1 && digits.startsWith('0'))) return [...digits].map((digit) => ones[Number(digit)]!);
  const value = Number(digits);
  if (digits.length === 4 && value >= 1100 && value < 2100 && value % 1000 >= 10 && !(value >= 2000 && value < 2010)) {
    const high = Math.floor(value / 100);
    const low = value % 100;
    return [...belowThousand(high), ...(low === 0 ? ['hundred'] : low < 10 ? ['oh', ones[low]!] : belowThousand(low))];
  }
  if (value === 0) return ['zero'];
  const words: string[] = [];
  if (value >= 1000) words.push(...belowThousand(Math.floor(value / 1000)), 'thousand');
  if (value % 1000) words.push(...belowThousand(value % 1000));
  return words;
}

export interface DictionaryToken {
  word: string;
  /** Written with a capital letter somewhere other than a sentence start (a name). */
  capitalized: boolean;
  /** Written with a capital first letter, sentence start or not. */
  initialCapital: boolean;
}

/** Splits text into dictionary-form words; `<s>`/`</s>` markers and punctuation are dropped. */
export function dictionaryTokens(text: string): DictionaryToken[] {
  const tokens: DictionaryToken[] = [];
  const cleaned = text
    .replace(/<\/?s>/gi, ' ')
    .replace(/[’‘]/g, "'")
    .replace(/(\d),(\d{3})/g, '$1$2')
    .replace(/(\d)(st|nd|rd|th)\b/gi, '$1');
  let sentenceStart = true;
  for (const match of cleaned.matchAll(/[\p{L}]+(?:'[\p{L}]+)*|\d+|[.!?]/gu)) {
    const piece = match[0];
    if (/^[.!?]$/.test(piece)) {
      sentenceStart = true;
      continue;
    }
    if (/^\d+$/.test(piece)) {
      for (const word of numberWords(piece)) tokens.push({ word, capitalized: false, initialCapital: false });
    } else {
      // Only unaccented Latin letters are dictionary words; other scripts are skipped.
      const word = piece.toLowerCase();
      const initialCapital = /^\p{Lu}/u.test(piece);
      if (/^[a-z]+(?:'[a-z]+)*$/.test(word)) tokens.push({ word, capitalized: !sentenceStart && initialCapital, initialCapital });
    }
    sentenceStart = false;
  }
  return tokens;
}

export function dictionaryWords(text: string): string[] {
  return dictionaryTokens(text).map((token) => token.word);
}

/** Splits running text into sentences (lines and sentence punctuation), for n-gram training. */
export function splitSentences(text: string): string[] {
  return text
    .split(/(?<=[.!?])\s+|\n+/)
    .map((sentence) => sentence.trim())
    .filter((sentence) => sentence.length > 0);
}
