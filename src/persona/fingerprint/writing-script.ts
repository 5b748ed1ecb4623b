/**
 * Which script, and where cheap which language, a word is written in: the share of each
 * is how a code-switching writer (Tamil–English, Hindi–English) shows on the page.
 */

/** Scripts told apart; anything else with letters is "Other". */
const SCRIPTS: readonly [name: string, pattern: RegExp][] = [
  ['Latin', /\p{Script=Latin}/u],
  ['Tamil', /\p{Script=Tamil}/u],
  ['Devanagari', /\p{Script=Devanagari}/u],
  ['Bengali', /\p{Script=Bengali}/u],
  ['Telugu', /\p{Script=Telugu}/u],
  ['Kannada', /\p{Script=Kannada}/u],
  ['Malayalam', /\p{Script=Malayalam}/u],
  ['Gujarati', /\p{Script=Gujarati}/u],
  ['Gurmukhi', /\p{Script=Gurmukhi}/u],
  ['Oriya', /\p{Script=Oriya}/u],
  ['Sinhala', /\p{Script=Sinhala}/u],
  ['Arabic', /\p{Script=Arabic}/u],
  ['Hebrew', /\p{Script=Hebrew}/u],
  ['Cyrillic', /\p{Script=Cyrillic}/u],
  ['Greek', /\p{Script=Greek}/u],
  ['Han', /\p{Script=Han}/u],
  ['Hiragana', /\p{Script=Hiragana}/u],
  ['Katakana', /\p{Script=Katakana}/u],
  ['Hangul', /\p{Script=Hangul}/u],
  ['Thai', /\p{Script=Thai}/u],
];

const FIRST_LETTER = /\p{L}/u;

/** The script of a word's first letter; undefined for a word with no letters. */
export function wordScript(word: string): string | undefined {
  const letter = FIRST_LETTER.exec(word)?.[0];
  if (!letter) return undefined;
  if (letter <= '\u024f') return 'Latin'; // the common case, without ten regex tests
  for (const [name, pattern] of SCRIPTS) if (pattern.test(letter)) return name;
  return 'Other';
}

const SCRIPT_LANGUAGE: Readonly<Record<string, string>> = {
  Tamil: 'tamil',
  Devanagari: 'hindi',
  Bengali: 'bengali',
  Telugu: 'telugu',
  Kannada: 'kannada',
  Malayalam: 'malayalam',
  Gujarati: 'gujarati',
  Gurmukhi: 'punjabi',
  Oriya: 'odia',
  Sinhala: 'sinhala',
  Arabic: 'arabic',
  Hebrew: 'hebrew',
  Cyrillic: 'cyrillic-script',
  Greek: 'greek',
  Han: 'chinese',
  Hiragana: 'japanese',
  Katakana: 'japanese',
  Hangul: 'korean',
  Thai: 'thai',
};

/**
 * Romanised words that are unambiguous enough to count. Romanised Tamil and Hindi have no
 * standard spelling, so this is a floor, not a measurement; words that are also English
 * ("anna", "sari", "hum", "po") are left out on purpose.
 */
const ROMANISED: Readonly<Record<string, ReadonlySet<string>>> = {
  tamil: new Set([
    'romba', 'illa', 'illai', 'enna', 'seri', 'nalla', 'irukku', 'iruku', 'paaru', 'sollu', 'vaa', 'poda', 'podi',
    'machan', 'machi', 'akka', 'thambi', 'amma', 'appa', 'paati', 'thatha', 'aiyo', 'ayyo', 'kadavule', 'saapadu',
    'saptiya', 'vanakkam', 'nandri', 'konjam', 'theriyum', 'theriyala', 'pannu', 'pannunga', 'varen', 'poren',
    'enga', 'inga', 'ippo', 'appo', 'aprom', 'kashtam', 'semma', 'mokka', 'chumma', 'davara',
  ]),
  hindi: new Set([
    'hai', 'nahi', 'nahin', 'kya', 'accha', 'acha', 'achha', 'yaar', 'bhai', 'haan', 'bahut', 'theek', 'thik',
    'kuch', 'bilkul', 'chalo', 'arre', 'arey', 'matlab', 'kyun', 'kyunki', 'lekin', 'mein', 'tum', 'aap', 'kaise',
    'kaisa', 'kaun', 'abhi', 'dost', 'pyaar', 'zindagi', 'namaste',
  ]),
};

/**
 * The language of a lowercase word. A Latin-script word is taken as English unless it is a
 * known romanised word: the fingerprint is for English-based writers who mix in others.
 */
export function wordLanguage(word: string, script: string): string {
  if (script === 'Latin') {
    for (const [language, words] of Object.entries(ROMANISED)) if (words.has(word)) return language;
    return 'english';
  }
  return SCRIPT_LANGUAGE[script] ?? 'other';
}
