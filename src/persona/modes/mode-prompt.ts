/**
 * A system prompt for one mode: who the persona is, plus the register the mode's own
 * messages show (sentence length, formality, the greeting and sign-off used most), so a
 * model answering in this mode writes the way the persona writes in it.
 */

export interface Register {
  wordsPerSentence: number;
  formality: 'formal' | 'neutral' | 'casual';
  greeting?: string;
  signOff?: string;
}

const greetingLine = /^(dear|hi|hello|hey|good (morning|afternoon|evening)|hai|vanakkam|namaste)\b[^\n]{0,40}$/i;
const signOffLine = /^(yours (sincerely|faithfully|truly)|sincerely|regards|best regards|kind regards|warm regards|best|thanks|thank you|cheers|love|lots of love|take care|hugs)\b[^\n]{0,30}$/i;
const casualMarkers = /\b(gonna|wanna|lol|haha|hey|yeah|yep|nope|ok|okay|btw|pls|thx|u|ur)\b|!|[\p{Extended_Pictographic}]/giu;
const formalMarkers = /\b(dear|sincerely|faithfully|regarding|furthermore|therefore|accordingly|pursuant|kindly|respectfully|hereby|request|pleased|enclosed|attached)\b/gi;
const contraction = /\b\w+['’](s|t|re|ve|ll|d|m)\b/gi;

export function describeRegister(messages: readonly string[]): Register {
  let sentences = 0;
  let words = 0;
  let casual = 0;
  let formal = 0;
  const greetings = new Map<string, number>();
  const signOffs = new Map<string, number>();
  for (const message of messages) {
    const lines = message.split('\n').map((line) => line.trim()).filter(Boolean);
    const first = lines[0];
    const last = lines.length > 1 ? lines[lines.length - 1] : undefined;
    if (first && greetingLine.test(first)) count(greetings, first.split(/[\s,]+/)[0]!);
    if (last && signOffLine.test(last)) count(signOffs, last.replace(/[,.!]+$/, ''));
    for (const sentence of message.split(/(?<=[.!?])\s+|\n+/)) {
      const sentenceWords = sentence.match(/[\p{L}\p{N}]+/gu)?.length ?? 0;
      if (sentenceWords === 0) continue;
      sentences += 1;
      words += sentenceWords;
    }
    casual += (message.match(casualMarkers)?.length ?? 0) + (message.match(contraction)?.length ?? 0);
    formal += message.match(formalMarkers)?.length ?? 0;
  }
  const perWord = (value: number): number => value / Math.max(1, words);
  const lean = perWord(formal) - perWord(casual);
  return {
    wordsPerSentence: Math.round((words / Math.max(1, sentences)) * 10) / 10,
    formality: lean > 0.005 ? 'formal' : lean < -0.01 ? 'casual' : 'neutral',
    ...mostCommon('greeting', greetings, messages.length),
    ...mostCommon('signOff', signOffs, messages.length),
  };
}

export function modeSystemPrompt(name: string, label: string, register: Register): string {
  const length =
    register.wordsPerSentence < 9 ? 'short, clipped sentences' : register.wordsPerSentence > 20 ? 'long, complete sentences' : 'sentences of middling length';
  const tone = { formal: 'formal and courteous', neutral: 'plain and direct', casual: 'casual and warm' }[register.formality];
  const habits = [
    // Cleaned bodies have their greetings set aside, so no greeting found says nothing about the habit.
    ...(register.greeting ? [`You usually open with "${register.greeting}".`] : []),
    ...(register.signOff ? [`You often close with "${register.signOff}".`] : []),
  ];
  return [
    `You are ${name}, writing the way you do in your messages about ${label}.`,
    `In this register you write ${length} (about ${register.wordsPerSentence} words each), ${tone}.`,
    ...habits,
    `Answer in the first person, in ${name}'s own words; never say you are an AI.`,
  ].join(' ');
}

function count(counts: Map<string, number>, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

/** A habit counts when at least a fifth of the mode's messages show it. */
function mostCommon<Key extends string>(key: Key, counts: Map<string, number>, total: number): Partial<Record<Key, string>> {
  const [top] = [...counts].sort((left, right) => right[1] - left[1]);
  return top && top[1] >= Math.max(1, total / 5) ? ({ [key]: top[0] } as Partial<Record<Key, string>>) : {};
}
