/** The shape of a linguistic fingerprint (computed by fingerprint.ts): JSON-serialisable, versioned. */
export const SENTENCE_LENGTH_BUCKETS = ['1-5', '6-10', '11-15', '16-20', '21-30', '31+'] as const;
export type SentenceLengthBucket = (typeof SENTENCE_LENGTH_BUCKETS)[number];

export interface Share {
  /** A script, a language, a greeting, a sign-off or an emoji. */
  value: string;
  count: number;
  /** Of all counted, 0–1. */
  share: number;
}

/** Every rate is per 100 words unless its name says otherwise; shares are 0–1. Plain JSON. */
export interface Fingerprint {
  version: 1;
  messageCount: number;
  sentenceCount: number;
  wordCount: number;
  /** Words per sentence: some writers think in long clauses, others in bursts. */
  sentenceLength: { mean: number; median: number; standardDeviation: number; histogram: Record<SentenceLengthBucket, number> };
  /** Words per message: terse notes against long letters. */
  messageLength: { mean: number; median: number };
  /**
   * Vocabulary richness. The type–token ratio falls as a text grows, so the moving-average
   * ratio (window of 50 words) is the one to compare across corpora of different sizes;
   * the hapax rate is the share of the vocabulary used exactly once.
   */
  vocabulary: { typeTokenRatio: number; movingAverageTypeTokenRatio: number; hapaxRate: number; averageWordLength: number };
  /** Words she uses far more than general English does (ratio against english-background.tsv), at least twice. */
  signatureWords: { word: string; count: number; perThousandWords: number; backgroundRatio: number }[];
  /** Two- and three-word phrases she repeats across messages, beyond the plain "of the" kind. */
  signaturePhrases: { phrase: string; count: number; messages: number }[];
  /** Per 1,000 words, for each word of function-words.ts: topic-independent, so it identifies across subjects. */
  functionWords: Record<string, number>;
  /** Punctuation marks per 100 words; `repeatedMarks` counts runs like "!!" or "?!". */
  punctuation: {
    commas: number;
    periods: number;
    exclamationMarks: number;
    questionMarks: number;
    semicolons: number;
    colons: number;
    dashes: number;
    ellipses: number;
    parentheses: number;
    quotationMarks: number;
    repeatedMarks: number;
  };
  /** Emoji (with skin tones and ZWJ sequences as one) and text emoticons such as ":)". */
  emoji: { perMessage: number; messageShare: number; emoticonsPerMessage: number; top: Share[] };
  /**
   * Capitalisation habits: sentences begun in lowercase, a lowercase "i", and words in
   * capitals (shouting, or an engineer's acronyms: both are habits).
   */
  capitalisation: { sentenceStartUppercase: number; lowercaseI: number; allCapsWords: number };
  /** Share of messages that open with a greeting, and which ones ("Hi <name>,"). */
  greetings: { messageShare: number; top: Share[] };
  /** Share of messages that close with a sign-off, and which ones ("Cheers,", "— M"). */
  signOffs: { messageShare: number; top: Share[] };
  /** Questions asked: a curious, checking writer against a declarative one. */
  questions: { perMessage: number; sentenceShare: number; exclamationSentenceShare: number };
  /**
   * Formality. `score` is Heylighen and Dewaele's F-score from parts of speech (nouns,
   * adjectives, prepositions, articles up; pronouns, verbs, adverbs, interjections down;
   * about 40 for chat, 70 for academic prose); contractions and first/second-person
   * pronouns per 100 words are its everyday signs.
   */
  formality: { score: number; label: 'informal' | 'neutral' | 'formal'; contractions: number; firstPerson: number; secondPerson: number };
  /**
   * Code-switching: the share of words in each script and (where it is cheap to tell)
   * language, the share of messages that mix scripts, and script switches per message.
   */
  codeSwitching: { scripts: Share[]; languages: Share[]; mixedMessageShare: number; switchesPerMessage: number };
}

export interface FingerprintOptions {
  /** Greetings that cleaning set aside from the messages, one entry per use (personaStyleMarkers). */
  greetings?: readonly string[];
  /** Sign-offs that cleaning set aside, one entry per use. */
  signOffs?: readonly string[];
}
