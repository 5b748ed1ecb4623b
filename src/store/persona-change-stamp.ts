/**
 * The change stamp of one persona: two counters that triggers in the store bump on every
 * write that changes what its retrieval sees (migration 7). Any process may write the
 * store (a `persona ingest`, `forget` or `embed` beside a running server), so readers
 * compare the stamp instead of waiting to be told.
 */
import type { SqliteDatabase } from './open-database.js';

export interface PersonaChangeStamp {
  /** Chunks, interview answers or identities changed: the text to search is different. */
  content: number;
  /** Embedding records changed: which chunks have a current vector is different. */
  embeddings: number;
}

export function readPersonaChangeStamp(database: SqliteDatabase, personaId: string): PersonaChangeStamp {
  const row = database
    .prepare('SELECT content_generation AS content, embedding_generation AS embeddings FROM persona_changes WHERE persona_id = ?')
    .get(personaId) as PersonaChangeStamp | undefined;
  return row ?? { content: 0, embeddings: 0 };
}

export function sameStamp(left: PersonaChangeStamp, right: PersonaChangeStamp): boolean {
  return left.content === right.content && left.embeddings === right.embeddings;
}
