/** How the persona opens and closes messages, from the greetings and sign-offs cleaning kept aside. */
import type { SqliteDatabase } from '../store/open-database.js';

export function loadStyleHints(database: SqliteDatabase, personaId: string): string[] {
  const common = (column: 'greeting' | 'sign_off'): string[] =>
    (
      database
        .prepare(`SELECT ${column} AS value, count(*) AS uses FROM items WHERE persona_id = ? AND is_persona = 1 AND ${column} IS NOT NULL GROUP BY ${column} ORDER BY uses DESC, value LIMIT 3`)
        .all(personaId) as { value: string }[]
    ).map((row) => `"${row.value}"`);
  const hints: string[] = [];
  const greetings = common('greeting');
  const signOffs = common('sign_off');
  if (greetings.length) hints.push(`in messages, usually opens with ${greetings.join(' or ')}`);
  if (signOffs.length) hints.push(`signs off with ${signOffs.join(' or ')}`);
  return hints;
}
