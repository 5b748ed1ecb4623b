/** The persona's modes (registers) as last discovered: `persona modes discover` replaces the whole set. */
import type { SqliteDatabase } from '../../store/open-database.js';

export interface StoredMode {
  /** A slug, usable as an adapter's mode. */
  mode: string;
  label: string;
  /** The mode's distinctive terms, most distinctive first; also what `assignMode` matches texts against. */
  terms: string[];
  systemPrompt: string;
  /** How many of the persona's messages fell in this mode. */
  size: number;
  /** Mean silhouette of this mode's messages (cosine), -1..1. */
  silhouette?: number;
  createdAt: string;
}

export function replaceModes(database: SqliteDatabase, persona: string, modes: readonly Omit<StoredMode, 'createdAt'>[], now = new Date()): void {
  const insert = database.prepare(
    'INSERT INTO persona_modes (persona_id, mode, label, terms, system_prompt, size, silhouette, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  database.transaction(() => {
    database.prepare('DELETE FROM persona_modes WHERE persona_id = ?').run(persona);
    for (const mode of modes) {
      insert.run(persona, mode.mode, mode.label, JSON.stringify(mode.terms), mode.systemPrompt, mode.size, mode.silhouette ?? null, now.toISOString());
    }
  })();
}

export function listModes(database: SqliteDatabase, persona: string): StoredMode[] {
  const rows = database
    .prepare('SELECT mode, label, terms, system_prompt, size, silhouette, created_at FROM persona_modes WHERE persona_id = ? ORDER BY size DESC, mode')
    .all(persona) as { mode: string; label: string; terms: string; system_prompt: string; size: number; silhouette: number | null; created_at: string }[];
  return rows.map((row) => ({
    mode: row.mode,
    label: row.label,
    terms: JSON.parse(row.terms) as string[],
    systemPrompt: row.system_prompt,
    size: row.size,
    ...(row.silhouette === null ? {} : { silhouette: row.silhouette }),
    createdAt: row.created_at,
  }));
}
