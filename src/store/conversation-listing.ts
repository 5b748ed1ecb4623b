/**
 * Read-only summaries for people browsing the store (the PWA's persona picker and history):
 * how much each persona knows and has said, and past conversations with their turns.
 */
import type { SqliteDatabase } from './open-database.js';
import { listPersonas } from './persona-repository.js';

export interface PersonaSummary {
  id: string;
  displayName?: string;
  /** Chunks of the corpus stored for this persona (theirs and the quoted text around them). */
  chunks: number;
  conversations: number;
}

export interface ConversationSummary {
  id: string;
  startedAt: string;
  endedAt?: string;
  turns: number;
  /** The first thing the user said, so a list can show what a conversation was about. */
  firstQuestion?: string;
}

export interface ListedTurn {
  /** The stored turn's id: what `POST /v1/feedback` takes as `turn_id`. */
  id: number;
  role: 'user' | 'persona' | 'system';
  text: string;
  createdAt: string;
  sources: unknown[];
  adapterId?: string;
}

export interface ConversationDetail {
  id: string;
  persona: string;
  startedAt: string;
  endedAt?: string;
  turns: ListedTurn[];
}

/** Longer first questions are cut: a listing shows a line, not a paragraph. */
const firstQuestionCharacters = 200;

export function summarisePersonas(database: SqliteDatabase, options: { only?: string } = {}): PersonaSummary[] {
  const personas = listPersonas(database).filter((persona) => options.only === undefined || persona.id === options.only);
  const countChunks = database.prepare('SELECT COUNT(*) AS count FROM chunks WHERE persona_id = ?');
  const countConversations = database.prepare('SELECT COUNT(*) AS count FROM conversations WHERE persona_id = ?');
  return personas.map((persona) => ({
    id: persona.id,
    ...(persona.displayName === undefined ? {} : { displayName: persona.displayName }),
    chunks: (countChunks.get(persona.id) as { count: number }).count,
    conversations: (countConversations.get(persona.id) as { count: number }).count,
  }));
}

/** The persona's conversations, latest first. */
export function listConversations(database: SqliteDatabase, personaId: string, options: { limit: number }): ConversationSummary[] {
  const rows = database
    .prepare(
      `SELECT conversations.id, conversations.started_at, conversations.ended_at,
         (SELECT COUNT(*) FROM conversation_turns WHERE conversation_id = conversations.id) AS turns,
         (SELECT text FROM conversation_turns WHERE conversation_id = conversations.id AND role = 'user' ORDER BY id LIMIT 1) AS first_question
       FROM conversations WHERE persona_id = ?
       ORDER BY conversations.started_at DESC, conversations.rowid DESC LIMIT ?`,
    )
    .all(personaId, options.limit) as { id: string; started_at: string; ended_at: string | null; turns: number; first_question: string | null }[];
  return rows.map((row) => ({
    id: row.id,
    startedAt: row.started_at,
    ...(row.ended_at === null ? {} : { endedAt: row.ended_at }),
    turns: row.turns,
    ...(row.first_question === null ? {} : { firstQuestion: shorten(row.first_question) }),
  }));
}

/** One conversation with all its turns, oldest first; undefined when there is none with this id. */
export function findConversation(database: SqliteDatabase, conversationId: string): ConversationDetail | undefined {
  const conversation = database.prepare('SELECT id, persona_id, started_at, ended_at FROM conversations WHERE id = ?').get(conversationId) as
    | { id: string; persona_id: string; started_at: string; ended_at: string | null }
    | undefined;
  if (!conversation) return undefined;
  const turns = database
    .prepare('SELECT id, role, text, adapter_id, sources, created_at FROM conversation_turns WHERE conversation_id = ? ORDER BY id')
    .all(conversationId) as { id: number; role: ListedTurn['role']; text: string; adapter_id: string | null; sources: string; created_at: string }[];
  return {
    id: conversation.id,
    persona: conversation.persona_id,
    startedAt: conversation.started_at,
    ...(conversation.ended_at === null ? {} : { endedAt: conversation.ended_at }),
    turns: turns.map((turn) => ({
      id: turn.id,
      role: turn.role,
      text: turn.text,
      createdAt: turn.created_at,
      sources: parseSources(turn.sources),
      ...(turn.adapter_id === null ? {} : { adapterId: turn.adapter_id }),
    })),
  };
}

function shorten(text: string): string {
  const trimmed = text.trim();
  return trimmed.length <= firstQuestionCharacters ? trimmed : `${trimmed.slice(0, firstQuestionCharacters - 1)}…`;
}

/** A turn whose sources column is damaged still shows its text; the sources are what is lost. */
function parseSources(json: string): unknown[] {
  try {
    const value: unknown = JSON.parse(json);
    return Array.isArray(value) ? value : [];
  } catch {
    return [];
  }
}
