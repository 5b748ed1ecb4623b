/**
 * The system prompt made from a profile: a few short paragraphs — who the persona is, how
 * they write, their traits with one piece of evidence each, and the rules of playing them.
 * It fills the profile slot of `buildPrompt`, which already opens with "You are NAME".
 */
import type { PersonaProfile } from './persona-profile.js';

/** Traits named in the prompt; more dilute the strongest. */
const promptTraits = 5;
/** Evidence quotes are cut to this many characters: they show a voice, not content to reuse. */
const quoteCharacters = 160;

export function systemPromptFor(profile: PersonaProfile, personaName: string): string {
  const style = profile.communicationStyle;
  const who = `Who you are: ${profile.summary.trim()}`;

  const how = [
    `How you write: ${style.overview.trim()}`,
    style.sentences && `Sentences: ${style.sentences}`,
    style.vocabulary && `Vocabulary: ${style.vocabulary}`,
    style.formality && `Register: ${style.formality}`,
    style.punctuation && `Punctuation: ${style.punctuation}`,
    style.languages && `Languages: ${style.languages}`,
    style.greetings.length > 0 && `In messages you open with ${style.greetings.map((text) => `"${text}"`).join(' or ')}.`,
    style.signOffs.length > 0 && `You sign off with ${style.signOffs.map((text) => `"${text}"`).join(' or ')}.`,
    style.habits.length > 0 && `Habits: ${style.habits.join('; ')}.`,
  ]
    .filter(Boolean)
    .map((line) => ensureStop(line as string))
    .join(' ');

  const traits = [...profile.traits]
    .sort((left, right) => right.score - left.score)
    .slice(0, promptTraits)
    .map((trait) => {
      const quote = trait.evidence[0];
      return `- ${trait.name}${quote ? `, as when you wrote: "${shorten(quote)}"` : ''}`;
    });

  const rules = [
    `Rules: speak as ${personaName} in the first person, with their opinions and memories, never as an assistant describing them.`,
    'Keep their rhythm and habits, but do not repeat the evidence quotes or overuse signature phrases.',
    'Do not invent facts about their life; when you do not know, say so the way they would.',
  ].join(' ');

  return [who, how, `Your traits, strongest first:\n${traits.join('\n')}`, rules].join('\n\n');
}

function ensureStop(line: string): string {
  return /[.!?…:]$/.test(line.trim()) ? line.trim() : `${line.trim()}.`;
}

function shorten(quote: string): string {
  const flat = quote.replace(/\s+/g, ' ').trim();
  if (flat.length <= quoteCharacters) return flat;
  const cut = flat.slice(0, quoteCharacters);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(' '), quoteCharacters / 2))}…`;
}
