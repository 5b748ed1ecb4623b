/**
 * The profile without a model: traits from the trait lexicon over the persona's own
 * sentences (with the best-matching sentences, verbatim, as evidence) and the tones of
 * their interview answers; the communication style put into words from style measures.
 * Deterministic: the same corpus gives the same profile.
 */
import type { PersonaProfile, PersonaTrait } from './persona-profile.js';
import type { PersonaSentence } from './persona-sentences.js';
import { measureStyle, type StyleMeasures } from './style-measures.js';
import { cueCount, traitLexicon } from './trait-lexicon.js';

export interface ProfileInputs {
  personaName: string;
  /** The persona's own messages, one string each (the fingerprint's input). */
  messages: readonly string[];
  /** Their sentences, verbatim from their passages: evidence comes only from these. */
  sentences: readonly PersonaSentence[];
  greetings: readonly string[];
  signOffs: readonly string[];
  interviews: readonly { question: string; answer: string; tone?: string; category?: string }[];
}

/** Traits kept, strongest first; evidence quotes per trait. */
const maxTraits = 6;
const maxEvidence = 3;
/** How fast a trait's share of sentences saturates its score: 10 % of sentences → 0.55. */
const saturation = 8;
/** Each interview answer in a matching tone adds this much, up to `maxToneBonus`. */
const toneBonus = 0.05;
const maxToneBonus = 0.2;

export function deterministicProfile(inputs: ProfileInputs): PersonaProfile {
  const measures = measureStyle(inputs.messages);
  const traits = findTraits(inputs);
  return {
    summary: summaryOf(inputs, traits, measures),
    traits,
    communicationStyle: styleOf(inputs, measures),
  };
}

function findTraits(inputs: ProfileInputs): PersonaTrait[] {
  // Whole sentences only: a fragment of a list or a wrapped line is poor evidence.
  const candidates = inputs.sentences.filter((sentence) => {
    const words = sentence.text.split(/\s+/).length;
    return (
      words >= 4 &&
      words <= 45 &&
      !/https?:\/\//.test(sentence.text) &&
      /^["'‘“(]?[\p{Lu}\p{N}\p{Lo}]/u.test(sentence.text) &&
      /[.!?…]["'”’)]*$/u.test(sentence.text)
    );
  });
  const tones = inputs.interviews.map((interview) => interview.tone?.toLowerCase().trim()).filter((tone): tone is string => Boolean(tone));
  const found: { name: string; score: number; scored: ScoredSentence[] }[] = [];
  for (const trait of traitLexicon) {
    const scored = candidates.map((sentence) => ({ sentence, cues: cueCount(trait, sentence.text) })).filter((entry) => entry.cues > 0);
    if (scored.length === 0) continue;
    const share = scored.length / Math.max(1, candidates.length);
    const bonus = Math.min(maxToneBonus, tones.filter((tone) => trait.tones.includes(tone)).length * toneBonus);
    const score = Math.min(1, 1 - Math.exp(-share * saturation) + bonus);
    found.push({ name: trait.name, score: Math.round(score * 100) / 100, scored });
  }
  found.sort((left, right) => right.score - left.score || left.name.localeCompare(right.name));
  // A sentence is evidence for one trait only, the strongest that claims it.
  const used = new Set<string>();
  const traits: PersonaTrait[] = [];
  for (const { name, score, scored } of found) {
    const evidence = pickEvidence(scored.filter((entry) => !used.has(entry.sentence.text)));
    if (evidence.length === 0) continue;
    for (const quote of evidence) used.add(quote);
    traits.push({ name, score, evidence });
    if (traits.length === maxTraits) break;
  }
  return traits;
}

interface ScoredSentence {
  sentence: PersonaSentence;
  cues: number;
}

/** The sentences with the most cues, preferring ones of 8–30 words and at most one per passage. */
function pickEvidence(scored: readonly ScoredSentence[]): string[] {
  const lengthPenalty = (text: string): number => {
    const words = text.split(/\s+/).length;
    return words < 8 ? 8 - words : words > 30 ? words - 30 : 0;
  };
  const ranked = [...scored].sort(
    (left, right) => right.cues - left.cues || lengthPenalty(left.sentence.text) - lengthPenalty(right.sentence.text) || left.sentence.passageId - right.sentence.passageId,
  );
  const evidence: string[] = [];
  const passages = new Set<number>();
  for (const { sentence } of ranked) {
    if (passages.has(sentence.passageId) || evidence.includes(sentence.text)) continue;
    passages.add(sentence.passageId);
    evidence.push(sentence.text);
    if (evidence.length === maxEvidence) break;
  }
  return evidence;
}

function summaryOf(inputs: ProfileInputs, traits: readonly PersonaTrait[], measures: StyleMeasures): string {
  const named = traits.slice(0, 3).map((trait) => trait.name);
  const traitText = named.length > 1 ? `${named.slice(0, -1).join(', ')} and ${named.at(-1)}` : (named[0] ?? 'hard to read yet');
  const categories = [...new Set(inputs.interviews.map((interview) => interview.category).filter((category): category is string => Boolean(category)))];
  const parts = [
    `${inputs.personaName}, as their own writing shows them (${measures.messages} messages, ${measures.words} words${inputs.interviews.length ? `, ${inputs.interviews.length} interview answers` : ''}).`,
    `They come across as ${traitText}.`,
  ];
  if (measures.frequentWords.length > 0) parts.push(`They write most often about ${measures.frequentWords.slice(0, 5).join(', ')}.`);
  if (categories.length > 0) parts.push(`Their interviews cover ${categories.slice(0, 6).join(', ')}.`);
  return parts.join(' ');
}

function styleOf(inputs: ProfileInputs, measures: StyleMeasures): PersonaProfile['communicationStyle'] {
  const length = measures.medianSentenceWords <= 10 ? 'short' : measures.medianSentenceWords <= 20 ? 'medium-length' : 'long';
  const formality = measures.contractionShare >= 0.25 || measures.emojiMessageShare >= 0.1 ? 'casual' : measures.contractionShare >= 0.08 ? 'conversational' : 'formal';
  const percent = (share: number): string => `${Math.round(share * 100)}%`;
  const languages = Object.entries(measures.scripts).sort((left, right) => right[1] - left[1]);
  const [main] = languages;
  const others = languages.slice(1).filter(([script, share]) => script !== 'other' && share > 0);

  const habits: string[] = [];
  if (measures.questionShare >= 0.12) habits.push(`asks questions often (${percent(measures.questionShare)} of sentences)`);
  if (measures.exclamationShare >= 0.08) habits.push(`uses exclamation marks (${percent(measures.exclamationShare)} of sentences)`);
  if (measures.emojiMessageShare > 0) habits.push(`uses emoji in ${percent(measures.emojiMessageShare)} of messages`);
  if (measures.lowercaseStartShare >= 0.3) habits.push('often starts sentences in lower case');
  if (measures.dashes >= 5) habits.push('uses dashes for asides');
  if (measures.parentheses >= 5) habits.push('adds asides in parentheses');
  if (others.length > 0) habits.push(`mixes in ${others.map(([script]) => script).join(' and ')} script`);

  return {
    overview: `${length[0]!.toUpperCase()}${length.slice(1)} sentences in a ${formality} register; messages of about ${measures.medianMessageWords} words.`,
    sentences: `median ${measures.medianSentenceWords} words per sentence (middle half ${measures.sentenceWordsQuartiles[0]}–${measures.sentenceWordsQuartiles[1]}); ${percent(measures.questionShare)} questions, ${percent(measures.exclamationShare)} exclamations`,
    vocabulary: `type–token ratio ${measures.typeTokenRatio} over the first 1000 words${measures.frequentWords.length ? `; frequent words: ${measures.frequentWords.join(', ')}` : ''}`,
    formality: `${formality}: contractions in ${percent(measures.contractionShare)} of sentences`,
    punctuation: `per 100 sentences: ${measures.dashes} dashes, ${measures.semicolons} semicolons, ${measures.parentheses} parentheses, ${measures.ellipses} ellipses`,
    greetings: distinct(inputs.greetings).slice(0, 3),
    signOffs: distinct(inputs.signOffs).slice(0, 3),
    languages: main
      ? `${main[0]} script for ${percent(main[1])} of words${others.length ? `; ${others.map(([script, share]) => `${script} ${percent(share)}`).join(', ')}` : ''}`
      : 'no text yet',
    habits,
  };
}

function distinct(values: readonly string[]): string[] {
  return [...new Set(values.map((value) => value.trim()).filter(Boolean))];
}
