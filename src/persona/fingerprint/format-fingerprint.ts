/** The fingerprint as a person reads it (`persona profile fingerprint`); --json prints the object itself. */
import type { Fingerprint, Share } from './fingerprint-shape.js';

function percent(share: number): string {
  return `${Math.round(share * 100)}%`;
}

function number(value: number, digits = 1): string {
  return value.toFixed(digits);
}

function shares(list: readonly Share[], quote = true): string {
  if (!list.length) return 'none';
  return list.map((entry) => `${quote ? `"${entry.value}"` : entry.value} ${percent(entry.share)}`).join(', ');
}

export function formatFingerprint(fingerprint: Fingerprint): string {
  const f = fingerprint;
  if (f.wordCount === 0) return `No words to measure (${f.messageCount} messages).`;
  const topFunctionWords = Object.entries(f.functionWords)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 12)
    .map(([word, rate]) => `${word} ${number(rate)}`)
    .join(', ');
  const p = f.punctuation;
  const lines = [
    `Corpus: ${f.messageCount} messages, ${f.sentenceCount} sentences, ${f.wordCount} words (mean ${number(f.messageLength.mean)} words a message, median ${number(f.messageLength.median)})`,
    `Sentence length: mean ${number(f.sentenceLength.mean)} words, median ${number(f.sentenceLength.median)}, sd ${number(f.sentenceLength.standardDeviation)}; ` +
      Object.entries(f.sentenceLength.histogram)
        .map(([bucket, share]) => `${bucket}: ${percent(share)}`)
        .join(', '),
    `Vocabulary: type-token ratio ${number(f.vocabulary.typeTokenRatio, 2)} (moving average ${number(f.vocabulary.movingAverageTypeTokenRatio, 2)}), hapax rate ${number(f.vocabulary.hapaxRate, 2)}, mean word length ${number(f.vocabulary.averageWordLength)} letters`,
    `Signature words: ${f.signatureWords.map((entry) => `${entry.word} (${entry.count}×, ${number(entry.backgroundRatio, 0)}× English)`).join(', ') || 'none'}`,
    `Signature phrases: ${f.signaturePhrases.map((entry) => `"${entry.phrase}" (${entry.count}×)`).join(', ') || 'none'}`,
    `Function words per 1,000: ${topFunctionWords}`,
    `Punctuation per 100 words: commas ${number(p.commas)}, periods ${number(p.periods)}, ! ${number(p.exclamationMarks)}, ? ${number(p.questionMarks)}, ; ${number(p.semicolons)}, : ${number(p.colons)}, dashes ${number(p.dashes)}, ellipses ${number(p.ellipses)}, parentheses ${number(p.parentheses)}, quotes ${number(p.quotationMarks)}, "!!"/"?!" ${number(p.repeatedMarks)}`,
    `Emoji: ${number(f.emoji.perMessage, 2)} a message, in ${percent(f.emoji.messageShare)} of messages${f.emoji.top.length ? ` (${f.emoji.top.map((entry) => entry.value).join(' ')})` : ''}; emoticons ${number(f.emoji.emoticonsPerMessage, 2)} a message`,
    `Capitalisation: ${percent(f.capitalisation.sentenceStartUppercase)} of sentences start uppercase, lowercase "i" ${percent(f.capitalisation.lowercaseI)}, all-caps words ${number(f.capitalisation.allCapsWords)} per 100`,
    `Greetings: in ${percent(f.greetings.messageShare)} of messages: ${shares(f.greetings.top)}`,
    `Sign-offs: in ${percent(f.signOffs.messageShare)} of messages: ${shares(f.signOffs.top)}`,
    `Questions: ${number(f.questions.perMessage, 2)} a message (${percent(f.questions.sentenceShare)} of sentences); exclamations ${percent(f.questions.exclamationSentenceShare)} of sentences`,
    `Formality: ${f.formality.label} (F-score ${number(f.formality.score)}); contractions ${number(f.formality.contractions)}, first person ${number(f.formality.firstPerson)}, second person ${number(f.formality.secondPerson)} per 100 words`,
    `Scripts: ${shares(f.codeSwitching.scripts, false)}; languages: ${shares(f.codeSwitching.languages, false)}; ${percent(f.codeSwitching.mixedMessageShare)} of messages mix scripts, ${number(f.codeSwitching.switchesPerMessage, 2)} switches a message`,
  ];
  return lines.join('\n');
}
