/**
 * The (what was said to the persona → what the persona answered) pairs the store holds:
 * interview answers, e-mail replies, chat-export turns, and answers people corrected.
 * The persona's side is always the persona's own words; the other side is context.
 */
import type { SqliteDatabase } from '../../store/open-database.js';

export type PairOrigin = 'interview' | 'email-reply' | 'chat' | 'feedback';

export interface ConversationPair {
  user: string;
  assistant: string;
  /** Examples that share a thread go to the same half of the split. */
  thread: string;
  origin: PairOrigin;
}

export function interviewPairs(database: SqliteDatabase, persona: string): ConversationPair[] {
  const rows = database
    .prepare('SELECT id, item_id, question, answer FROM interviews WHERE persona_id = ? ORDER BY id')
    .all(persona) as { id: number; item_id: number | null; question: string; answer: string }[];
  return rows.map((row) => ({
    user: row.question.trim(),
    assistant: row.answer.trim(),
    thread: row.item_id === null ? `interview:${row.id}` : `item:${row.item_id}`,
    origin: 'interview' as const,
  }));
}

/**
 * The persona's e-mails that answer someone: the message they replied to when the store
 * holds it (In-Reply-To → Message-ID, written by someone else), else the quoted text of
 * someone else inside the reply itself.
 */
export function emailReplyPairs(database: SqliteDatabase, persona: string): ConversationPair[] {
  const replies = database
    .prepare(
      `SELECT id, thread_key, in_reply_to FROM items
       WHERE persona_id = ? AND kind = 'email' AND is_persona = 1 AND parent_item_id IS NULL ORDER BY id`,
    )
    .all(persona) as { id: number; thread_key: string | null; in_reply_to: string | null }[];
  const original = database.prepare(`SELECT id FROM items WHERE persona_id = ? AND message_id = ? AND is_persona = 0`).pluck();
  const passages = database.prepare('SELECT text FROM passages WHERE item_id = ? AND role = ? AND is_persona = ? ORDER BY position').pluck();
  const pairs: ConversationPair[] = [];
  for (const reply of replies) {
    const assistant = joinPassages(passages.all(reply.id, 'body', 1) as string[]);
    if (!assistant) continue;
    const originalId = reply.in_reply_to === null ? undefined : (original.get(persona, reply.in_reply_to) as number | undefined);
    const user = joinPassages(
      originalId === undefined ? (passages.all(reply.id, 'quote', 0) as string[]) : (passages.all(originalId, 'body', 0) as string[]),
    );
    if (!user) continue;
    pairs.push({ user, assistant, thread: reply.thread_key ?? `item:${reply.id}`, origin: 'email-reply' });
  }
  return pairs;
}

/** Chat-export turns: the message the persona answered (kept as a `context` passage) → the persona's message. */
export function chatPairs(database: SqliteDatabase, persona: string): ConversationPair[] {
  const rows = database
    .prepare(
      `SELECT items.id, items.thread_key,
         (SELECT group_concat(text, char(10) || char(10)) FROM (SELECT text FROM passages WHERE item_id = items.id AND role = 'context' AND is_persona = 0 ORDER BY position)) AS context,
         (SELECT group_concat(text, char(10) || char(10)) FROM (SELECT text FROM passages WHERE item_id = items.id AND role = 'body' AND is_persona = 1 ORDER BY position)) AS body
       FROM items WHERE persona_id = ? AND kind = 'chat' AND is_persona = 1 ORDER BY id`,
    )
    .all(persona) as { id: number; thread_key: string | null; context: string | null; body: string | null }[];
  return rows
    .filter((row) => row.context?.trim() && row.body?.trim())
    .map((row) => ({ user: row.context!.trim(), assistant: row.body!.trim(), thread: row.thread_key ?? `item:${row.id}`, origin: 'chat' as const }));
}

/** Answers someone corrected through `POST /v1/feedback`: the user turn before it → the corrected answer (the newest correction wins). */
export function feedbackPairs(database: SqliteDatabase, persona: string): ConversationPair[] {
  const rows = database
    .prepare(
      `SELECT feedback.turn_id, feedback.corrected_answer, conversation_turns.conversation_id,
         (SELECT text FROM conversation_turns AS asked
          WHERE asked.conversation_id = conversation_turns.conversation_id AND asked.id < conversation_turns.id AND asked.role = 'user'
          ORDER BY asked.id DESC LIMIT 1) AS question
       FROM feedback
       JOIN conversation_turns ON conversation_turns.id = feedback.turn_id
       JOIN conversations ON conversations.id = conversation_turns.conversation_id
       WHERE conversations.persona_id = ? AND feedback.corrected_answer IS NOT NULL
       ORDER BY feedback.id`,
    )
    .all(persona) as { turn_id: number; corrected_answer: string; conversation_id: string; question: string | null }[];
  const newestByTurn = new Map<number, ConversationPair>();
  for (const row of rows) {
    if (!row.question?.trim() || !row.corrected_answer.trim()) continue;
    newestByTurn.delete(row.turn_id);
    newestByTurn.set(row.turn_id, { user: row.question.trim(), assistant: row.corrected_answer.trim(), thread: `conversation:${row.conversation_id}`, origin: 'feedback' });
  }
  return [...newestByTurn.values()];
}

function joinPassages(texts: readonly string[]): string {
  return texts
    .map((text) => text.trim())
    .filter(Boolean)
    .join('\n\n');
}
