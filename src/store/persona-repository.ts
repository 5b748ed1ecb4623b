/** Personas known to the store, with the addresses and names that identify them. */
import type { SqliteDatabase } from './open-database.js';

export interface PersonaRow {
  id: string;
  displayName?: string;
  identities: string[];
}

/** Creates the persona, or adds new identities to it; identities are never dropped silently. */
export function savePersona(database: SqliteDatabase, id: string, identities: readonly string[]): PersonaRow {
  const existing = findPersona(database, id);
  const merged = [...new Set([...(existing?.identities ?? []), ...identities.map((identity) => identity.trim()).filter(Boolean)])];
  if (existing) {
    database.prepare('UPDATE personas SET identities = ? WHERE id = ?').run(JSON.stringify(merged), id);
  } else {
    database
      .prepare('INSERT INTO personas (id, display_name, identities, created_at) VALUES (?, ?, ?, ?)')
      .run(id, identities.find((identity) => !identity.includes('@')) ?? null, JSON.stringify(merged), new Date().toISOString());
  }
  return { id, displayName: existing?.displayName, identities: merged };
}

export function findPersona(database: SqliteDatabase, id: string): PersonaRow | undefined {
  const row = database.prepare('SELECT id, display_name, identities FROM personas WHERE id = ?').get(id) as
    | { id: string; display_name: string | null; identities: string }
    | undefined;
  if (!row) return undefined;
  return { id: row.id, displayName: row.display_name ?? undefined, identities: JSON.parse(row.identities) as string[] };
}

export function listPersonas(database: SqliteDatabase): PersonaRow[] {
  const rows = database.prepare('SELECT id FROM personas ORDER BY id').all() as { id: string }[];
  return rows.map((row) => findPersona(database, row.id)!);
}
