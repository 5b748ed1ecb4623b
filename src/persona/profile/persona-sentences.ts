/**
 * The persona's own sentences, cut from their body passages exactly as stored, so a
 * sentence chosen as evidence is always a verbatim quote of something they wrote.
 */
import { maskThirdParties } from '../../privacy/mask-third-parties.js';
import type { SqliteDatabase } from '../../store/open-database.js';
import { findPersona } from '../../store/persona-repository.js';

export interface PersonaSentence {
  text: string;
  /** The passage it came from: evidence is spread over several. */
  passageId: number;
  kind: string;
}

const segmenter = new Intl.Segmenter('en', { granularity: 'sentence' });

/**
 * The persona's body passages, with third parties' contact and ID details masked: profile
 * building sends these to an engine, and its quotes become part of every system prompt.
 */
export function personaPassages(database: SqliteDatabase, persona: string): { id: number; text: string; kind: string }[] {
  const keep = findPersona(database, persona)?.identities ?? [];
  const rows = database
    .prepare(
      `SELECT passages.id, passages.text, items.kind FROM passages JOIN items ON items.id = passages.item_id
       WHERE items.persona_id = ? AND passages.is_persona = 1 AND passages.role = 'body' ORDER BY passages.id`,
    )
    .all(persona) as { id: number; text: string; kind: string }[];
  return rows.map((row) => ({ ...row, text: maskThirdParties(row.text, { keep }) }));
}

/**
 * Sentences as verbatim slices of the text. ICU ends a sentence at every line break, which
 * cuts hard-wrapped mail mid-sentence; so the segmenter reads a copy with single line breaks
 * turned into spaces (same length, same offsets) and the slices are taken from the original.
 * Blank lines and list items still start a new sentence.
 */
export function splitSentences(text: string): string[] {
  const unwrapped = text.replace(/(?<!\n)\n(?![\n\s]*[-*•#\d])(?!\n)/g, ' ');
  const sentences: string[] = [];
  for (const { index, segment } of segmenter.segment(unwrapped)) {
    let offset = index;
    for (const piece of text.slice(index, index + segment.length).split(/(\n\s*\n|\n(?=\s*[-*•#]))/)) {
      const start = offset + (piece.length - piece.trimStart().length);
      offset += piece.length;
      const sentence = text.slice(start, start + piece.trim().length);
      if (sentence) sentences.push(sentence);
    }
  }
  return sentences;
}

export function personaSentences(database: SqliteDatabase, persona: string): PersonaSentence[] {
  return personaPassages(database, persona).flatMap((passage) =>
    splitSentences(passage.text).map((text) => ({ text, passageId: passage.id, kind: passage.kind })),
  );
}
