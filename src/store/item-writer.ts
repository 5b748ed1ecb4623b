/**
 * Writes prepared items, their passages and chunks, deduplicating across sources:
 * an item already stored (same Message-ID, or same content when either lacks one)
 * only gains a link to the new source.
 */
import type { Address } from '../ingest/source-record.js';
import type { ItemKind, PassageRole, PreparedItem } from '../ingest/prepared-item.js';
import type { SqliteDatabase } from './open-database.js';

/** An item as stored: the prepared item without its parts, plus where it belongs. */
export type ItemRow = Omit<PreparedItem, 'passages' | 'attachments' | 'interview'> & {
  personaId: string;
  parentItemId?: number;
};

export interface PassageRow {
  role: PassageRole;
  position: number;
  page?: number;
  author?: Address;
  isPersona: boolean;
  text: string;
}

export interface ChunkRow {
  position: number;
  text: string;
  tokenCount: number;
  isPersona: boolean;
  metadata: Record<string, unknown>;
}

export interface InterviewRow {
  question: string;
  answer: string;
  tone?: string;
  category?: string;
  answeredAt: Date;
}

export function createItemWriter(database: SqliteDatabase) {
  const byMessageId = database.prepare('SELECT id FROM items WHERE persona_id = ? AND message_id = ?').pluck();
  const byContentKey = database
    .prepare('SELECT id, message_id FROM items WHERE persona_id = ? AND kind = ? AND content_key = ? ORDER BY id LIMIT 1');
  const linkSource = database.prepare('INSERT OR IGNORE INTO item_sources (item_id, source_id, position) VALUES (?, ?, ?)');
  const insertItem = database.prepare(
    `INSERT INTO items (persona_id, kind, message_id, content_key, parent_item_id, thread_key, in_reply_to, subject, title,
       author_name, author_address, is_persona, recipients, sent_at, greeting, sign_off, removed, metadata)
     VALUES (@personaId, @kind, @messageId, @contentKey, @parentItemId, @threadKey, @inReplyTo, @subject, @title,
       @authorName, @authorAddress, @isPersona, @recipients, @sentAt, @greeting, @signOff, @removed, @metadata)`,
  );
  const insertPassage = database.prepare(
    `INSERT INTO passages (item_id, role, position, page, author_name, author_address, is_persona, text)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertChunk = database.prepare(
    `INSERT INTO chunks (item_id, passage_id, persona_id, position, text, token_count, is_persona, metadata)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertInterview = database.prepare(
    `INSERT INTO interviews (persona_id, item_id, question, answer, tone, category, answered_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );

  return {
    /** The id of the stored item this one duplicates, if any. */
    findDuplicate(personaId: string, kind: ItemKind, messageId: string | undefined, contentKey: string): number | undefined {
      if (messageId) {
        const id = byMessageId.get(personaId, messageId) as number | undefined;
        if (id !== undefined) return id;
      }
      const row = byContentKey.get(personaId, kind, contentKey) as { id: number; message_id: string | null } | undefined;
      // Two different Message-IDs are two messages, however alike ("Thanks!" twice).
      if (row && (!messageId || !row.message_id)) return row.id;
      return undefined;
    },

    linkSource(itemId: number, sourceId: number, position: number): void {
      linkSource.run(itemId, sourceId, position);
    },

    insertItem(item: ItemRow): number {
      const result = insertItem.run({
        personaId: item.personaId,
        kind: item.kind,
        messageId: item.messageId ?? null,
        contentKey: item.contentKey,
        parentItemId: item.parentItemId ?? null,
        threadKey: item.threadKey ?? null,
        inReplyTo: item.inReplyTo ?? null,
        subject: item.subject ?? null,
        title: item.title ?? null,
        authorName: item.author?.name ?? null,
        authorAddress: item.author?.address ?? null,
        isPersona: item.isPersona ? 1 : 0,
        recipients: JSON.stringify(item.recipients),
        sentAt: item.sentAt?.toISOString() ?? null,
        greeting: item.greeting ?? null,
        signOff: item.signOff ?? null,
        removed: JSON.stringify(item.removed ?? {}),
        metadata: JSON.stringify(item.metadata),
      });
      return Number(result.lastInsertRowid);
    },

    insertPassage(itemId: number, passage: PassageRow): number {
      const result = insertPassage.run(
        itemId,
        passage.role,
        passage.position,
        passage.page ?? null,
        passage.author?.name ?? null,
        passage.author?.address ?? null,
        passage.isPersona ? 1 : 0,
        passage.text,
      );
      return Number(result.lastInsertRowid);
    },

    insertChunk(itemId: number, passageId: number, personaId: string, chunk: ChunkRow): void {
      insertChunk.run(itemId, passageId, personaId, chunk.position, chunk.text, chunk.tokenCount, chunk.isPersona ? 1 : 0, JSON.stringify(chunk.metadata));
    },

    insertInterview(personaId: string, itemId: number, interview: InterviewRow): void {
      insertInterview.run(personaId, itemId, interview.question, interview.answer, interview.tone ?? null, interview.category ?? null, interview.answeredAt.toISOString());
    },
  };
}

export type ItemWriter = ReturnType<typeof createItemWriter>;
