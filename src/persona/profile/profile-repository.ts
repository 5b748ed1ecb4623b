/** Stored profiles: every build or edit is a new version; the newest is the one in use. */
import { StoreError } from '../../errors.js';
import type { SqliteDatabase } from '../../store/open-database.js';
import { parseProfile, type PersonaProfile } from './persona-profile.js';

export type ProfileOrigin = 'llm' | 'fingerprint' | 'edited';

export interface StoredProfile {
  version: number;
  origin: ProfileOrigin;
  profile: PersonaProfile;
  systemPrompt: string;
  createdAt: string;
}

interface ProfileRow {
  version: number;
  origin: ProfileOrigin;
  profile: string;
  system_prompt: string;
  created_at: string;
}

function toStored(row: ProfileRow, persona: string): StoredProfile {
  return {
    version: row.version,
    origin: row.origin,
    profile: parseProfile(JSON.parse(row.profile), `profile version ${row.version} of persona "${persona}" in the store`),
    systemPrompt: row.system_prompt,
    createdAt: row.created_at,
  };
}

export function currentProfile(database: SqliteDatabase, persona: string): StoredProfile | undefined {
  const row = database
    .prepare('SELECT version, origin, profile, system_prompt, created_at FROM persona_profiles WHERE persona_id = ? ORDER BY version DESC LIMIT 1')
    .get(persona) as ProfileRow | undefined;
  return row ? toStored(row, persona) : undefined;
}

export function profileVersion(database: SqliteDatabase, persona: string, version: number): StoredProfile {
  const row = database
    .prepare('SELECT version, origin, profile, system_prompt, created_at FROM persona_profiles WHERE persona_id = ? AND version = ?')
    .get(persona, version) as ProfileRow | undefined;
  if (!row) {
    const versions = listProfileVersions(database, persona).map((entry) => entry.version);
    throw new StoreError(
      'not-found',
      `Persona "${persona}" has no profile version ${version}; ${versions.length ? `versions: ${versions.join(', ')}` : 'none yet — run `persona profile build`'}`,
    );
  }
  return toStored(row, persona);
}

export function listProfileVersions(database: SqliteDatabase, persona: string): { version: number; origin: ProfileOrigin; createdAt: string }[] {
  const rows = database
    .prepare('SELECT version, origin, created_at FROM persona_profiles WHERE persona_id = ? ORDER BY version')
    .all(persona) as { version: number; origin: ProfileOrigin; created_at: string }[];
  return rows.map((row) => ({ version: row.version, origin: row.origin, createdAt: row.created_at }));
}

/** Stores the profile as the next version and returns it. */
export function saveProfile(database: SqliteDatabase, persona: string, entry: { origin: ProfileOrigin; profile: PersonaProfile; systemPrompt: string }): StoredProfile {
  return database.transaction((): StoredProfile => {
    const latest = database.prepare('SELECT max(version) FROM persona_profiles WHERE persona_id = ?').pluck().get(persona) as number | null;
    const stored: StoredProfile = { version: (latest ?? 0) + 1, origin: entry.origin, profile: entry.profile, systemPrompt: entry.systemPrompt, createdAt: new Date().toISOString() };
    database
      .prepare('INSERT INTO persona_profiles (persona_id, version, origin, profile, system_prompt, created_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(persona, stored.version, stored.origin, JSON.stringify(stored.profile), stored.systemPrompt, stored.createdAt);
    return stored;
  })();
}
