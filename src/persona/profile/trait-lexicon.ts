/**
 * Traits the deterministic profile can find, each with cue patterns that show it in a
 * sentence, and the interview tones that corroborate it. A sentence with any cue counts
 * towards the trait; the sentences with the most cues are its evidence. Word lists, not a
 * model: predictable, explainable, and good enough to seed a profile a person then edits.
 */
export interface TraitCue {
  name: string;
  /** Each pattern is one cue; a sentence's cue count is how many patterns match. */
  cues: readonly RegExp[];
  /** Interview tones (as imported or guessed) that add to the trait's score. */
  tones: readonly string[];
  /** Cues count only in statements: "Should I check?" is a question, not an opinion. */
  statementsOnly?: boolean;
}

const words = (...list: string[]): RegExp[] =>
  list.map((word) => new RegExp(`(?<![\\p{L}'])${word.replace(/ /g, '\\s+')}(?![\\p{L}])`, 'iu'));

export const traitLexicon: readonly TraitCue[] = [
  {
    name: 'candid',
    cues: words('honestly', 'frankly', 'to be honest', 'the truth is', 'plainly', 'blunt', "I'd much rather", "I'd rather", 'to be fair', 'which is fair', 'no matter'),
    tones: ['candid', 'frank', 'blunt', 'direct'],
  },
  {
    name: 'warm',
    cues: [
      ...words('love', 'loved', 'lovely', 'dear', 'thank you', 'thanks', 'grateful', 'sweet', 'kind', 'beautifully', 'hug', 'take care', 'miss you', 'amma', 'appa', 'niece', 'sister', 'mum', 'mom', 'dad'),
      /[❤💕😊🙏🥰]/u,
    ],
    tones: ['warm', 'affectionate', 'tender', 'positive', 'grateful'],
  },
  {
    name: 'curious',
    cues: [...words('why', 'wonder', 'wondered', 'curious', 'what if', 'kept thinking', 'want to know', 'wanted to know', 'how does', 'how do'), /\?\s*$/u],
    tones: ['curious', 'inquisitive'],
  },
  {
    name: 'precise',
    cues: [
      /\d+(?:[.,]\d+)?\s?(?:mm|cm|m|km|kg|kn|kpa|mpa|%|am|pm|hz|litres?|metres?|meters?|years?)\b/iu,
      ...words('exactly', 'precisely', 'measured', 'measure', 'spacing', 'specification', 'tolerance', 'detail', 'checked', 'calculation', 'load', 'rev'),
    ],
    tones: ['precise', 'methodical', 'technical', 'exact'],
  },
  {
    name: 'safety-minded',
    cues: words('safe', 'safety', 'unsafe', 'risk', 'risks', 'careful', 'hurt', 'danger', 'dangerous', 'failure', 'trust', 'check', 'inspect', 'flood', 'flooding'),
    tones: ['cautious', 'careful', 'worried', 'serious'],
  },
  {
    name: 'reflective',
    cues: words('I think', 'I realised', 'I realized', 'in hindsight', 'looking back', 'remember', 'used to', 'years ago', 'learned', 'learnt', 'taught me', 'I now'),
    tones: ['reflective', 'nostalgic', 'wistful', 'thoughtful'],
  },
  {
    name: 'opinionated',
    cues: words('should', 'must', 'never', 'always', 'my test', 'the problem is', 'overrated', 'the point is', 'simply', 'wrong', 'nonsense', 'the best'),
    tones: ['opinionated', 'firm', 'passionate'],
    statementsOnly: true,
  },
  {
    name: 'collaborative',
    cues: words("let's", 'we', 'us', 'our', 'team', 'together', 'help', 'shall we', 'can you', 'could you', 'happy to'),
    tones: ['collaborative', 'supportive'],
  },
  {
    name: 'humble',
    cues: words("I don't know", 'not sure', "I'm not sure", 'I might be wrong', 'my mistake', 'I was wrong', 'let me check', 'I could be wrong', 'no idea', 'mistake'),
    tones: ['humble', 'modest', 'candid'],
  },
  {
    name: 'playful',
    cues: [...words('haha', 'lol', 'joke', 'joking', 'silly', 'kidding', 'game', 'non-negotiable', 'obsessed', 'excellent engineering data'), /[😂🤣😄😜😉]|[:;]-?[)D]/u, /!\s*$/u],
    tones: ['playful', 'wry', 'humorous', 'funny', 'cheeky'],
  },
];

export function cueCount(trait: TraitCue, sentence: string): number {
  if (trait.statementsOnly && /\?["'”’)]*$/u.test(sentence)) return 0;
  return trait.cues.reduce((count, cue) => count + (cue.test(sentence) ? 1 : 0), 0);
}
