/** Interview questions a persona has already answered, compared by normalised text. */
import { normaliseForKey } from '../../ingest/content-key.js';
import type { SqliteDatabase } from '../../store/open-database.js';

/** Case, spacing and punctuation never make a question new: "What's your earliest memory?" = "whats your earliest memory". */
export function normaliseQuestion(text: string): string {
  return normaliseForKey(text);
}

export function answeredQuestions(database: SqliteDatabase, persona: string): Set<string> {
  const rows = database.prepare('SELECT question FROM interviews WHERE persona_id = ?').pluck().all(persona) as string[];
  return new Set(rows.map(normaliseQuestion));
}
