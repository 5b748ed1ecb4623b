/**
 * Everything the store holds about a persona's corpus, in a canonical order and without
 * row ids or timestamps, so two stores built differently can be compared for equality.
 */
import type { SqliteDatabase } from '../../src/store/open-database.js';

export function dumpCorpus(database: SqliteDatabase): unknown {
  return {
    sources: database.prepare('SELECT persona_id, path, type, content_hash, size_bytes, item_count FROM sources ORDER BY persona_id, path').all(),
    items: database
      .prepare(
        `SELECT items.kind, items.message_id, items.content_key, items.thread_key, items.subject, items.title, items.author_name,
                items.author_address, items.is_persona, items.sent_at, items.greeting, items.sign_off, items.removed, items.metadata,
                parent.content_key AS parent_key
         FROM items LEFT JOIN items AS parent ON parent.id = items.parent_item_id
         ORDER BY items.kind, items.content_key, items.message_id`,
      )
      .all(),
    links: database
      .prepare('SELECT sources.path, items.content_key, item_sources.position FROM item_sources JOIN sources ON sources.id = source_id JOIN items ON items.id = item_id ORDER BY 1, 2, 3')
      .all(),
    passages: database
      .prepare('SELECT items.content_key, role, position, page, passages.author_name, passages.is_persona, text FROM passages JOIN items ON items.id = item_id ORDER BY 1, 3')
      .all(),
    chunks: database
      .prepare(
        `SELECT items.content_key, passages.position AS passage_position, chunks.position, chunks.text, token_count, chunks.is_persona, chunks.metadata
         FROM chunks JOIN items ON items.id = chunks.item_id JOIN passages ON passages.id = chunks.passage_id ORDER BY 1, 2, 3`,
      )
      .all(),
    interviews: database.prepare('SELECT question, answer, tone, category, answered_at FROM interviews ORDER BY question, answer').all(),
  };
}

export function countRows(database: SqliteDatabase, table: string): number {
  return database.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
}
