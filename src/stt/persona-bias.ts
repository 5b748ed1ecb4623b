/**
 * What speech recognition should expect when someone talks to a persona: the persona's
 * own sentences (their passages in the store, newest first), the interview questions and
 * answers, their name, and the ways people usually ask things. Capped so that building
 * a language model from it stays around a second even for a large corpus.
 */
import { splitSentences } from './pocketsphinx/dictionary-words.js';
import type { SttBias } from './stt-engine.js';
import type { Store } from '../store/store.js';
import { findPersona } from '../store/persona-repository.js';
import { StoreError } from '../errors.js';

/** How people open a question to someone they know about; the domain model learns their shapes. */
export const commonQuestionForms: readonly string[] = [
  'What do you think about that?',
  'What do you think of it?',
  'Tell me about your work.',
  'Tell me more about that.',
  'Can you tell me about it?',
  'Where did you grow up?',
  'Where did you go?',
  'When did you start?',
  'Why did you do that?',
  'How did you get into it?',
  'How do you feel about it?',
  'What was it like?',
  'What are you working on?',
  'What is your favourite?',
  'Who is your best friend?',
  'Do you remember that?',
  'Have you ever been there?',
  'What would you do?',
  'What happened next?',
  'How are you?',
  'What do you do?',
  'Why do you like it?',
  'What advice would you give?',
  'Who taught you?',
];

export interface PersonaBiasLimits {
  /** Most sentences taken from the persona's passages (default 3000). */
  maxSentences?: number;
  /** Most characters taken overall (default 400 000). */
  maxCharacters?: number;
}

interface TextRow {
  text: string;
}

export function loadPersonaBias(store: Store, persona: string, limits: PersonaBiasLimits = {}): SttBias {
  const maxSentences = limits.maxSentences ?? 3000;
  const maxCharacters = limits.maxCharacters ?? 400_000;
  const row = findPersona(store.database, persona);
  if (!row) throw new StoreError('not-found', `persona "${persona}" is not in the store ${store.file}; ingest its corpus first`);

  const phrases: string[] = [];
  let characters = 0;
  const take = (text: string): boolean => {
    if (characters + text.length > maxCharacters) return false;
    phrases.push(text);
    characters += text.length;
    return true;
  };

  const names = [row.displayName, ...row.identities.filter((identity) => !identity.includes('@'))].filter((name): name is string => Boolean(name));
  for (const name of new Set(names)) {
    take(`${name}.`);
    take(`Tell me about ${name}.`);
  }
  for (const form of commonQuestionForms) take(form);

  // Interviews are the closest thing to the questions people will ask: all of them come first.
  const interviews = store.database
    .prepare('SELECT question AS text FROM interviews WHERE persona_id = ? ORDER BY answered_at DESC, id DESC')
    .all(persona) as TextRow[];
  for (const interview of interviews) take(interview.text);

  // The persona's own writing, newest first; each chunk split into sentences.
  const chunks = store.database
    .prepare(
      `SELECT chunks.text AS text FROM chunks JOIN items ON items.id = chunks.item_id
       WHERE chunks.persona_id = ? AND chunks.is_persona = 1
       ORDER BY items.sent_at IS NULL, items.sent_at DESC, chunks.id DESC`,
    )
    .iterate(persona) as IterableIterator<TextRow>;
  let sentences = 0;
  let full = false;
  for (const chunk of chunks) {
    for (const sentence of splitSentences(chunk.text)) {
      if (sentences >= maxSentences || !take(sentence)) {
        full = true;
        break;
      }
      sentences++;
    }
    if (full) break;
  }
  return { phrases, persona };
}
