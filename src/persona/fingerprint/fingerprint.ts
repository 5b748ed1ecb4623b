/**
 * The linguistic fingerprint: measurable habits of a writer, computed from the persona's
 * own messages only. It is what "sounds like her" means in numbers: the profile is written
 * from it, and style evaluation measures a model's answers against it (fingerprint-distance.ts).
 * Tokens, sentences and parts of speech come from wink-nlp with its English lite model.
 */
import winkNLP, { type WinkMethods } from 'wink-nlp';
import model from 'wink-eng-lite-web-model';
import { PersonaError } from '../../errors.js';
import { englishBackground } from './english-background.js';
import { FIRST_PERSON, FUNCTION_WORDS, FUNCTION_WORD_SET, SECOND_PERSON } from './function-words.js';
import { frameMessage, normaliseGreeting, normaliseSignOff } from './message-frame.js';
import { wordLanguage, wordScript } from './writing-script.js';

export { fingerprintDistance, fingerprintDistanceParts, type FingerprintDistanceParts } from './fingerprint-distance.js';
export { formatFingerprint } from './format-fingerprint.js';

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

const SIGNATURE_WORD_LIMIT = 20;
const SIGNATURE_PHRASE_LIMIT = 15;
/** A signature word is used at least this many times more often than in general English. */
const SIGNATURE_MIN_RATIO = 5;
const MOVING_WINDOW = 50;
const ARTICLES = new Set(['the', 'a', 'an']);

let language: WinkMethods | undefined;

function nlp(): WinkMethods {
  language ??= winkNLP(model);
  return language;
}

const WORD_TYPES = new Set(['word', 'number', 'ordinal', 'time', 'hashtag', 'mention', 'currency']);
const LETTERS_ONLY = /^[\p{L}\p{M}]+(?:['’-][\p{L}\p{M}]+)*$/u;
const HAS_LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;
/** The second half of a contraction as wink-nlp splits it: "n't", "'s", "'d", "'ll", "'re", "'ve", "'m". */
const CONTRACTION_TAIL = /^(?:n['’]t|['’](?:s|d|ll|re|ve|m))$/iu;
const CONTRACTION = /^(?:\p{L}+n't|\p{L}+'(?:m|re|ve|ll|d)|(?:it|that|there|here|what|who|where|how|he|she|let)'s)$/u;
const FIRST_PERSON_I = /^i(?:['’](?:m|d|ll|ve))?$/iu;
const ALL_CAPS = /^\p{Lu}{2,}$/u;
const CASED_LETTER = /[\p{Lu}\p{Ll}]/u;
const UPPERCASE = /\p{Lu}/u;
const EMOJI =
  /(?:\p{Emoji_Presentation}|\p{Extended_Pictographic}\uFE0F)(?:\p{Emoji_Modifier}|\uFE0F|\u200D(?:\p{Emoji_Presentation}|\p{Extended_Pictographic}\uFE0F?))*|[\u{1F1E6}-\u{1F1FF}]{2}/gu;
const REPEATED_MARKS = /[!?]{2,}/g;

const POSITIVE_FORMALITY = new Set(['NOUN', 'PROPN', 'ADJ', 'ADP', 'DET']);
const NEGATIVE_FORMALITY = new Set(['PRON', 'VERB', 'AUX', 'ADV', 'INTJ']);

type PunctuationCounts = Fingerprint['punctuation'];

function punctuationKind(value: string, spaced: boolean): keyof PunctuationCounts | undefined {
  switch (value) {
    case ',':
      return 'commas';
    case '.':
      return 'periods';
    case '!':
      return 'exclamationMarks';
    case '?':
      return 'questionMarks';
    case ';':
      return 'semicolons';
    case ':':
      return 'colons';
    case '—':
    case '–':
    case '--':
      return 'dashes';
    case '-':
      // A hyphen inside "20-inch" is spelling; a spaced one is a dash.
      return spaced ? 'dashes' : undefined;
    case '...':
    case '…':
      return 'ellipses';
    case '(':
      return 'parentheses';
    case '"':
    case '“':
    case '”':
    case '«':
    case '»':
    case '‘':
    case "'":
      return 'quotationMarks';
    default:
      return undefined;
  }
}

/** Counts of one value, kept in first-seen order so ties break the same way every run. */
function tally(values: Iterable<string>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return counts;
}

function topShares(counts: Map<string, number>, limit: number): Share[] {
  const total = [...counts.values()].reduce((sum, count) => sum + count, 0);
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([value, count]) => ({ value, count, share: round(count / total) }));
}

function round(value: number, digits = 4): number {
  if (!Number.isFinite(value)) return 0;
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

function ratio(part: number, whole: number): number {
  return whole > 0 ? part / whole : 0;
}

function median(values: readonly number[]): number {
  if (!values.length) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function lengthBucket(words: number): SentenceLengthBucket {
  if (words <= 5) return '1-5';
  if (words <= 10) return '6-10';
  if (words <= 15) return '11-15';
  if (words <= 20) return '16-20';
  if (words <= 30) return '21-30';
  return '31+';
}

interface NgramCount {
  count: number;
  messages: number;
  lastMessage: number;
}

export function computeFingerprint(messages: readonly string[], options: FingerprintOptions = {}): Fingerprint {
  if (!Array.isArray(messages)) throw new PersonaError('input-unsupported', 'computeFingerprint: messages must be an array of strings');
  const { its } = nlp();
  const background = englishBackground();

  const sentenceLengths: number[] = [];
  const messageLengths: number[] = [];
  const forms: string[] = [];
  const formMessages = new Map<string, NgramCount>();
  const functionCounts = new Map<string, number>();
  const ngrams = new Map<string, NgramCount>();
  const punctuation: PunctuationCounts = {
    commas: 0, periods: 0, exclamationMarks: 0, questionMarks: 0, semicolons: 0, colons: 0,
    dashes: 0, ellipses: 0, parentheses: 0, quotationMarks: 0, repeatedMarks: 0,
  };
  const emojiCounts = new Map<string, number>();
  const scriptCounts = new Map<string, number>();
  const languageCounts = new Map<string, number>();
  const greetings: string[] = (options.greetings ?? []).map(normaliseGreeting);
  const signOffs: string[] = (options.signOffs ?? []).map(normaliseSignOff);
  let words = 0;
  let letters = 0;
  let letterWords = 0;
  let emojiTotal = 0;
  let messagesWithEmoji = 0;
  let emoticons = 0;
  let questionSentences = 0;
  let exclamationSentences = 0;
  let casedStarts = 0;
  let uppercaseStarts = 0;
  let firstPersonI = 0;
  let lowercaseI = 0;
  let allCaps = 0;
  let contractions = 0;
  let firstPerson = 0;
  let secondPerson = 0;
  let formalityPlus = 0;
  let formalityMinus = 0;
  let mixedMessages = 0;
  let switches = 0;

  messages.forEach((message, messageIndex) => {
    if (typeof message !== 'string') {
      throw new PersonaError('input-unsupported', `computeFingerprint: message ${messageIndex} is ${message === null ? 'null' : typeof message}, not text`);
    }
    const frame = frameMessage(message);
    if (frame.greeting) greetings.push(normaliseGreeting(frame.greeting));
    if (frame.signOff) signOffs.push(normaliseSignOff(frame.signOff));
    const body = frame.segments.join('\n\n');

    const found = body.match(EMOJI) ?? [];
    emojiTotal += found.length;
    if (found.length) messagesWithEmoji += 1;
    for (const emoji of found) emojiCounts.set(emoji, (emojiCounts.get(emoji) ?? 0) + 1);
    punctuation.repeatedMarks += body.match(REPEATED_MARKS)?.length ?? 0;
    if (!body) {
      messageLengths.push(0);
      return;
    }

    const document = nlp().readDoc(body);
    const types = document.tokens().out(its.type) as string[];
    const values = document.tokens().out(its.value) as string[];
    const tags = document.tokens().out(its.pos) as string[];
    const spaces = document.tokens().out(its.precedingSpaces) as string[];
    const spans = document.sentences().out(its.span) as unknown as [number, number][];

    let messageWords = 0;
    let previousScript: string | undefined;
    const messageScripts = new Set<string>();
    for (const [start, end] of spans) {
      // Word forms of the sentence, contractions joined again ("do" + "n't" → "don't").
      const sentenceForms: (string | undefined)[] = [];
      let sentenceWords = 0;
      let firstCased: string | undefined;
      let question = false;
      let exclamation = false;
      for (let index = start; index <= end; index += 1) {
        const type = types[index]!;
        const value = values[index]!;
        const tag = tags[index]!;
        if (type === 'punctuation') {
          const kind = punctuationKind(value, (spaces[index] ?? '') !== '');
          if (kind) punctuation[kind] += 1;
          if (value === '?') question = true;
          if (value === '!') exclamation = true;
          sentenceForms.push(undefined);
          continue;
        }
        if (type === 'emoticon') emoticons += 1;
        const isWord = WORD_TYPES.has(type) || (type === 'unk' && HAS_LETTER_OR_DIGIT.test(value));
        if (!isWord) {
          sentenceForms.push(undefined);
          continue;
        }
        if (firstCased === undefined) firstCased = CASED_LETTER.exec(value)?.[0] ?? (HAS_LETTER_OR_DIGIT.test(value) ? '' : undefined);
        // wink-nlp tags an unsplit "I'm" as a proper noun; it is a pronoun and a verb.
        if (NEGATIVE_FORMALITY.has(tag) || FIRST_PERSON_I.test(value)) formalityMinus += 1;
        else if (POSITIVE_FORMALITY.has(tag)) formalityPlus += 1;
        const tail = CONTRACTION_TAIL.test(value);
        const functionWord = tail ? (document.tokens().itemAt(index).out(its.normal) as string) : value.toLowerCase();
        if (FUNCTION_WORD_SET.has(functionWord)) functionCounts.set(functionWord, (functionCounts.get(functionWord) ?? 0) + 1);
        const lower = value.toLowerCase().replace(/’/g, "'");
        const previous = sentenceForms.at(-1);
        if (tail && previous !== undefined) {
          sentenceForms[sentenceForms.length - 1] = previous + lower;
          continue;
        }
        sentenceWords += 1;
        if (FIRST_PERSON_I.test(value)) {
          firstPersonI += 1;
          if (value.startsWith('i')) lowercaseI += 1;
        }
        if (ALL_CAPS.test(value)) allCaps += 1;
        sentenceForms.push(LETTERS_ONLY.test(value) ? lower : undefined);
        const script = wordScript(value);
        if (script) {
          scriptCounts.set(script, (scriptCounts.get(script) ?? 0) + 1);
          const wordLanguageName = wordLanguage(lower, script);
          languageCounts.set(wordLanguageName, (languageCounts.get(wordLanguageName) ?? 0) + 1);
          if (previousScript !== undefined && previousScript !== script) switches += 1;
          previousScript = script;
          messageScripts.add(script);
        }
      }
      if (sentenceWords === 0) continue;
      sentenceLengths.push(sentenceWords);
      messageWords += sentenceWords;
      if (question) questionSentences += 1;
      if (exclamation) exclamationSentences += 1;
      if (firstCased) {
        casedStarts += 1;
        if (UPPERCASE.test(firstCased)) uppercaseStarts += 1;
      }
      for (let index = 0; index < sentenceForms.length; index += 1) {
        const form = sentenceForms[index];
        if (form === undefined) continue;
        forms.push(form);
        letters += form.replace(/['-]/g, '').length;
        letterWords += 1;
        if (CONTRACTION.test(form)) contractions += 1;
        if (FIRST_PERSON.has(form)) firstPerson += 1;
        if (SECOND_PERSON.has(form)) secondPerson += 1;
        countIn(formMessages, form, messageIndex);
        for (const size of [2, 3]) {
          const phrase = sentenceForms.slice(index, index + size);
          if (phrase.length === size && phrase.every((part) => part !== undefined)) countIn(ngrams, phrase.join(' '), messageIndex);
        }
      }
    }
    words += messageWords;
    messageLengths.push(messageWords);
    if (messageScripts.size > 1) mixedMessages += 1;
  });

  const messageCount = messages.length;
  const sentenceCount = sentenceLengths.length;
  const meanSentence = ratio(sentenceLengths.reduce((sum, length) => sum + length, 0), sentenceCount);
  const variance = ratio(sentenceLengths.reduce((sum, length) => sum + (length - meanSentence) ** 2, 0), sentenceCount);
  const histogram = Object.fromEntries(SENTENCE_LENGTH_BUCKETS.map((bucket) => [bucket, 0])) as Record<SentenceLengthBucket, number>;
  for (const length of sentenceLengths) histogram[lengthBucket(length)] += 1;
  for (const bucket of SENTENCE_LENGTH_BUCKETS) histogram[bucket] = round(ratio(histogram[bucket], sentenceCount));

  const formCounts = tally(forms);
  const hapaxes = [...formCounts.values()].filter((count) => count === 1).length;
  const perHundred = (count: number): number => round(ratio(count * 100, words));
  const fScore = ratio(formalityPlus - formalityMinus, words) * 50 + 50;

  return {
    version: 1,
    messageCount,
    sentenceCount,
    wordCount: words,
    sentenceLength: {
      mean: round(meanSentence),
      median: round(median(sentenceLengths)),
      standardDeviation: round(Math.sqrt(variance)),
      histogram,
    },
    messageLength: { mean: round(ratio(words, messageCount)), median: round(median(messageLengths)) },
    vocabulary: {
      typeTokenRatio: round(ratio(formCounts.size, forms.length)),
      movingAverageTypeTokenRatio: round(movingAverageTypeTokenRatio(forms)),
      hapaxRate: round(ratio(hapaxes, formCounts.size)),
      averageWordLength: round(ratio(letters, letterWords)),
    },
    signatureWords: signatureWords(formCounts, formMessages, forms.length, messageCount, background),
    signaturePhrases: signaturePhrases(ngrams, messageCount, background),
    functionWords: Object.fromEntries(FUNCTION_WORDS.map((word) => [word, round(ratio((functionCounts.get(word) ?? 0) * 1000, words), 2)])),
    punctuation: Object.fromEntries(
      Object.entries(punctuation).map(([kind, count]) => [kind, perHundred(count)]),
    ) as PunctuationCounts,
    emoji: {
      perMessage: round(ratio(emojiTotal, messageCount)),
      messageShare: round(ratio(messagesWithEmoji, messageCount)),
      emoticonsPerMessage: round(ratio(emoticons, messageCount)),
      top: topShares(emojiCounts, 10),
    },
    capitalisation: {
      sentenceStartUppercase: round(ratio(uppercaseStarts, casedStarts)),
      lowercaseI: round(ratio(lowercaseI, firstPersonI)),
      allCapsWords: perHundred(allCaps),
    },
    greetings: { messageShare: round(Math.min(1, ratio(greetings.length, messageCount))), top: topShares(tally(greetings), 5) },
    signOffs: { messageShare: round(Math.min(1, ratio(signOffs.length, messageCount))), top: topShares(tally(signOffs), 5) },
    questions: {
      perMessage: round(ratio(questionSentences, messageCount)),
      sentenceShare: round(ratio(questionSentences, sentenceCount)),
      exclamationSentenceShare: round(ratio(exclamationSentences, sentenceCount)),
    },
    formality: {
      score: round(words ? fScore : 0, 2),
      label: fScore < 50 ? 'informal' : fScore <= 60 ? 'neutral' : 'formal',
      contractions: perHundred(contractions),
      firstPerson: perHundred(firstPerson),
      secondPerson: perHundred(secondPerson),
    },
    codeSwitching: {
      scripts: topShares(scriptCounts, 10),
      languages: topShares(languageCounts, 10),
      mixedMessageShare: round(ratio(mixedMessages, messageCount)),
      switchesPerMessage: round(ratio(switches, messageCount)),
    },
  };
}

function countIn(counts: Map<string, NgramCount>, key: string, messageIndex: number): void {
  const entry = counts.get(key);
  if (!entry) {
    counts.set(key, { count: 1, messages: 1, lastMessage: messageIndex });
    return;
  }
  entry.count += 1;
  if (entry.lastMessage !== messageIndex) {
    entry.messages += 1;
    entry.lastMessage = messageIndex;
  }
}

/** The type–token ratio averaged over every window of 50 words (Covington and McFall's MATTR). */
function movingAverageTypeTokenRatio(forms: readonly string[]): number {
  if (forms.length === 0) return 0;
  if (forms.length <= MOVING_WINDOW) return new Set(forms).size / forms.length;
  const window = new Map<string, number>();
  for (let index = 0; index < MOVING_WINDOW; index += 1) window.set(forms[index]!, (window.get(forms[index]!) ?? 0) + 1);
  let sum = window.size;
  for (let index = MOVING_WINDOW; index < forms.length; index += 1) {
    const leaving = forms[index - MOVING_WINDOW]!;
    const left = window.get(leaving)! - 1;
    if (left === 0) window.delete(leaving);
    else window.set(leaving, left);
    window.set(forms[index]!, (window.get(forms[index]!) ?? 0) + 1);
    sum += window.size;
  }
  return sum / (forms.length - MOVING_WINDOW + 1) / MOVING_WINDOW;
}

/** Repeated in more than one message, when there is more than one: one long email's topic is not a habit. */
function repeated(entry: NgramCount, messageCount: number): boolean {
  return entry.count >= 2 && (messageCount < 2 || entry.messages >= 2);
}

/**
 * Ranked by count × ln(ratio against general English): frequent and distinctive both
 * matter, and a word barely above its English rate never qualifies.
 */
function signatureWords(
  counts: Map<string, number>,
  messagesOf: Map<string, NgramCount>,
  total: number,
  messageCount: number,
  background: ReturnType<typeof englishBackground>,
): Fingerprint['signatureWords'] {
  const candidates: (Fingerprint['signatureWords'][number] & { score: number })[] = [];
  for (const [word, count] of counts) {
    if ([...word].length < 2 || FUNCTION_WORD_SET.has(word) || background.isCommon(word)) continue;
    if (!repeated(messagesOf.get(word)!, messageCount)) continue;
    const against = count / total / background.probability(word);
    if (against < SIGNATURE_MIN_RATIO) continue;
    candidates.push({ word, count, perThousandWords: round((count * 1000) / total, 2), backgroundRatio: round(against, 1), score: count * Math.log(against) });
  }
  return candidates
    .sort((a, b) => b.score - a.score || a.word.localeCompare(b.word))
    .slice(0, SIGNATURE_WORD_LIMIT)
    .map(({ score: _score, ...word }) => word);
}

/**
 * Ranked by count × (1 + words in it beyond the commonest English ones): "filter coffee"
 * and "to be honest" qualify, "of the" never does. A two-word phrase found only inside a
 * kept three-word one, as often, is left out as a duplicate.
 */
function signaturePhrases(
  ngrams: Map<string, NgramCount>,
  messageCount: number,
  background: ReturnType<typeof englishBackground>,
): Fingerprint['signaturePhrases'] {
  const scored: { phrase: string; count: number; messages: number; score: number }[] = [];
  for (const [phrase, entry] of ngrams) {
    if (!repeated(entry, messageCount)) continue;
    const parts = phrase.split(' ');
    // "the deck" is the word "deck" again, not a phrase.
    if (ARTICLES.has(parts[0]!) || ARTICLES.has(parts.at(-1)!)) continue;
    const uncommon = parts.filter((part) => !FUNCTION_WORD_SET.has(part) && !background.isCommon(part)).length;
    if (uncommon === 0) continue;
    scored.push({ phrase, count: entry.count, messages: entry.messages, score: entry.count * (1 + uncommon) });
  }
  scored.sort((a, b) => b.score - a.score || b.phrase.length - a.phrase.length || a.phrase.localeCompare(b.phrase));
  const kept: typeof scored = [];
  for (const candidate of scored) {
    if (kept.length === SIGNATURE_PHRASE_LIMIT) break;
    const inside = kept.some((longer) => longer.count === candidate.count && ` ${longer.phrase} `.includes(` ${candidate.phrase} `));
    if (!inside) kept.push(candidate);
  }
  return kept.map(({ phrase, count, messages }) => ({ phrase, count, messages }));
}
