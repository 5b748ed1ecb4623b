/**
 * Conversations with a persona, kept (encrypted) so a later session remembers what was
 * said: turns with the adapter that answered, the sources used and the stage timings.
 */
import { randomUUID } from 'node:crypto';
import type { SqliteDatabase } from './open-database.js';

export type TurnRole = 'user' | 'persona';

export interface StoredTurn {
  conversationId: string;
  role: TurnRole;
  text: string;
  adapterId?: string;
  createdAt: string;
}

export function startConversation(database: SqliteDatabase, personaId: string, metadata: Record<string, unknown> = {}): string {
  const id = randomUUID();
  database
    .prepare('INSERT INTO conversations (id, persona_id, started_at, metadata) VALUES (?, ?, ?, ?)')
    .run(id, personaId, new Date().toISOString(), JSON.stringify(metadata));
  return id;
}

export function addTurn(
  database: SqliteDatabase,
  conversationId: string,
  turn: { role: TurnRole; text: string; adapterId?: string; sources?: unknown[]; timings?: Record<string, number> },
): number {
  const result = database
    .prepare('INSERT INTO conversation_turns (conversation_id, role, text, adapter_id, sources, timings, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
    .run(conversationId, turn.role, turn.text, turn.adapterId ?? null, JSON.stringify(turn.sources ?? []), JSON.stringify(turn.timings ?? {}), new Date().toISOString());
  return Number(result.lastInsertRowid);
}

/** Whether `conversationId` is a conversation with this persona (clients may only continue their own persona's). */
export function conversationExists(database: SqliteDatabase, conversationId: string, personaId: string): boolean {
  return database.prepare('SELECT 1 FROM conversations WHERE id = ? AND persona_id = ?').get(conversationId, personaId) !== undefined;
}

/**
 * Which stored turn has this id now (its conversation and time), or undefined once it is
 * deleted (`persona forget` deletes the answers that quoted a forgotten source). Compared
 * rather than the id alone: SQLite gives a deleted last row's id to the next turn.
 */
export function turnFingerprint(database: SqliteDatabase, turnId: number): string | undefined {
  const row = database.prepare('SELECT conversation_id, created_at FROM conversation_turns WHERE id = ?').get(turnId) as { conversation_id: string; created_at: string } | undefined;
  return row ? `${row.conversation_id} ${row.created_at}` : undefined;
}

export function endConversation(database: SqliteDatabase, conversationId: string): void {
  database.prepare('UPDATE conversations SET ended_at = ? WHERE id = ?').run(new Date().toISOString(), conversationId);
}

/** The newest turns with this persona, oldest first, optionally leaving out one conversation (the current one). */
export function recentTurns(database: SqliteDatabase, personaId: string, options: { limit: number; excludeConversation?: string }): StoredTurn[] {
  const rows = database
    .prepare(
      `SELECT conversation_turns.conversation_id, role, text, adapter_id, created_at
       FROM conversation_turns JOIN conversations ON conversations.id = conversation_turns.conversation_id
       WHERE conversations.persona_id = ? AND conversations.id IS NOT ?
       ORDER BY conversation_turns.id DESC LIMIT ?`,
    )
    .all(personaId, options.excludeConversation ?? null, options.limit) as { conversation_id: string; role: TurnRole; text: string; adapter_id: string | null; created_at: string }[];
  return rows.reverse().map(toStoredTurn);
}

function toStoredTurn(row: { conversation_id: string; role: TurnRole; text: string; adapter_id: string | null; created_at: string }): StoredTurn {
  return { conversationId: row.conversation_id, role: row.role, text: row.text, adapterId: row.adapter_id ?? undefined, createdAt: row.created_at };
}

/** The newest turns of one conversation, oldest first. */
export function conversationTurns(database: SqliteDatabase, conversationId: string, limit: number): StoredTurn[] {
  const rows = database
    .prepare('SELECT conversation_id, role, text, adapter_id, created_at FROM conversation_turns WHERE conversation_id = ? ORDER BY id DESC LIMIT ?')
    .all(conversationId, limit) as { conversation_id: string; role: TurnRole; text: string; adapter_id: string | null; created_at: string }[];
  return rows.reverse().map(toStoredTurn);
}
