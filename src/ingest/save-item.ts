/**
 * Stores one prepared item with its passages, chunks and attachments, or, when the
 * store already holds it (from another file or format), only links it to this source.
 */
import type { ItemWriter } from '../store/item-writer.js';
import { chunkText, type ChunkOptions } from './chunker.js';
import { isRetrievable, type PreparedItem } from './prepared-item.js';

export interface SaveContext {
  writer: ItemWriter;
  personaId: string;
  sourceId: number;
  sourcePath: string;
  chunking: ChunkOptions;
  /** When the source says nothing about time (interview files), the file's own date. */
  fallbackDate: Date;
}

export interface SaveResult {
  added: boolean;
  items: number;
  chunks: number;
  personaWords: number;
}

export function saveItem(context: SaveContext, item: PreparedItem, position: number, parentItemId?: number): SaveResult {
  const { writer, personaId } = context;
  if (parentItemId === undefined) {
    const duplicate = writer.findDuplicate(personaId, item.kind, item.messageId, item.contentKey);
    if (duplicate !== undefined) {
      writer.linkSource(duplicate, context.sourceId, position);
      return { added: false, items: 0, chunks: 0, personaWords: 0 };
    }
  }

  const itemId = writer.insertItem({ ...item, personaId, parentItemId });
  if (parentItemId === undefined) writer.linkSource(itemId, context.sourceId, position);
  const result: SaveResult = { added: true, items: 1, chunks: 0, personaWords: 0 };

  item.passages.forEach((passage, passagePosition) => {
    const passageId = writer.insertPassage(itemId, { ...passage, position: passagePosition });
    if (!isRetrievable(passage)) return;
    if (passage.isPersona && passage.role === 'body') result.personaWords += countWords(passage.text);
    chunkText(passage.text, context.chunking).forEach((chunk, chunkPosition) => {
      writer.insertChunk(itemId, passageId, personaId, {
        position: chunkPosition,
        text: chunk.text,
        tokenCount: chunk.tokenCount,
        isPersona: passage.isPersona,
        metadata: {
          source: context.sourcePath,
          kind: item.kind,
          role: passage.role,
          page: passage.page,
          date: item.sentAt?.toISOString(),
          subject: item.subject,
          title: item.title,
          author: passage.author?.name,
          authorAddress: passage.author?.address,
          thread: item.threadKey,
          position: chunkPosition,
        },
      });
      result.chunks += 1;
    });
  });

  if (item.interview) {
    writer.insertInterview(personaId, itemId, { ...item.interview, answeredAt: item.sentAt ?? context.fallbackDate });
  }

  item.attachments.forEach((attachment, attachmentPosition) => {
    const saved = saveItem(context, attachment, attachmentPosition, itemId);
    result.items += saved.items;
    result.chunks += saved.chunks;
    result.personaWords += saved.personaWords;
  });
  return result;
}

function countWords(text: string): number {
  return text.match(/\S+/gu)?.length ?? 0;
}
