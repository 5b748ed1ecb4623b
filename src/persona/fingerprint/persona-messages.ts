/**
 * The persona's own words, as the fingerprint must see them: body passages attributed to
 * her, one string per item (email, document, chat turn, interview answer). Quoted and
 * forwarded text, chat replies from the other side and interview questions are someone
 * else's style and stay out, even when they sit inside her items; her words quoted inside
 * someone else's email are already counted in her own item.
 */
import { StoreError } from '../../errors.js';
import { findPersona } from '../../store/persona-repository.js';
import type { SqliteDatabase } from '../../store/open-database.js';

function requirePersona(database: SqliteDatabase, persona: string): void {
  if (!findPersona(database, persona)) throw new StoreError('not-found', `No persona "${persona}" in the store: ingest something for it first (persona ingest … --persona ${persona}).`);
}

export function personaMessages(database: SqliteDatabase, persona: string): string[] {
  requirePersona(database, persona);
  const rows = database
    .prepare(
      `SELECT passages.item_id AS item, passages.text AS text
       FROM passages JOIN items ON items.id = passages.item_id
       WHERE items.persona_id = ? AND passages.role = 'body' AND passages.is_persona = 1
       ORDER BY items.id, passages.position`,
    )
    .all(persona) as { item: number; text: string }[];
  const messages: string[] = [];
  let currentItem: number | undefined;
  for (const row of rows) {
    if (!row.text.trim()) continue;
    if (row.item === currentItem) messages[messages.length - 1] += `\n\n${row.text}`;
    else messages.push(row.text);
    currentItem = row.item;
  }
  return messages;
}

/**
 * The greetings and sign-offs that cleaning set aside from her messages, one entry per
 * use (so the fingerprint can count how often each one comes), oldest item first.
 */
export function personaStyleMarkers(database: SqliteDatabase, persona: string): { greetings: string[]; signOffs: string[] } {
  requirePersona(database, persona);
  const rows = database
    .prepare('SELECT greeting, sign_off FROM items WHERE persona_id = ? AND is_persona = 1 ORDER BY id')
    .all(persona) as { greeting: string | null; sign_off: string | null }[];
  return {
    greetings: rows.flatMap((row) => (row.greeting ? [row.greeting] : [])),
    signOffs: rows.flatMap((row) => (row.sign_off ? [row.sign_off] : [])),
  };
}
