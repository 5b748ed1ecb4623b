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
import { SENTENCE_LENGTH_BUCKETS, type Fingerprint, type FingerprintOptions, type SentenceLengthBucket, type Share } from './fingerprint-shape.js';
import { median, movingAverageTypeTokenRatio, ratio, round, tally, topShares } from './fingerprint-statistics.js';
import { countIn, signaturePhrases, signatureWords, type NgramCount } from './signature-terms.js';

export { fingerprintDistance, fingerprintDistanceParts, type FingerprintDistanceParts } from './fingerprint-distance.js';
export { formatFingerprint } from './format-fingerprint.js';
export * from './fingerprint-shape.js';

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

function lengthBucket(words: number): SentenceLengthBucket {
  if (words <= 5) return '1-5';
  if (words <= 10) return '6-10';
  if (words <= 15) return '11-15';
  if (words <= 20) return '16-20';
  if (words <= 30) return '21-30';
  return '31+';
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
