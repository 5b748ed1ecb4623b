/**
 * `persona interview import FILE`: an interview file (JSON, CSV or Markdown, read by the
 * ingestion's interview reader whatever the file is called) into the store, each answer
 * with `via = imported`, a guessed tone where the file gives none, and its category.
 * The file is a source like any ingested file: importing it again replaces what it
 * brought before, and `persona forget FILE` removes it.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { ChunkOptions } from '../../ingest/chunker.js';
import { hashFile } from '../../ingest/file-hash.js';
import { prepareInterview } from '../../ingest/prepare-item.js';
import { createInterviewReader } from '../../ingest/readers/interview-reader.js';
import { saveItem } from '../../ingest/save-item.js';
import type { InterviewRecord, ReadLimits } from '../../ingest/source-record.js';
import { InputError } from '../../errors.js';
import { createItemWriter } from '../../store/item-writer.js';
import type { SqliteDatabase } from '../../store/open-database.js';
import { savePersona } from '../../store/persona-repository.js';
import { detachSourceItems, saveSource, updateSourceItemCount } from '../../store/source-repository.js';
import { guessTone } from './guess-tone.js';

export interface ImportOptions {
  chunking: ChunkOptions;
  limits: ReadLimits;
  signal?: AbortSignal;
}

export interface ImportSummary {
  file: string;
  /** Answers in the file. */
  answers: number;
  added: number;
  /** Answers the store already held (from another file, or typed). */
  duplicates: number;
}

export async function importInterviews(database: SqliteDatabase, persona: string, file: string, options: ImportOptions): Promise<ImportSummary> {
  const resolved = path.resolve(file);
  const extension = path.extname(resolved).toLowerCase();
  if (!['.json', '.csv', '.md', '.markdown'].includes(extension)) {
    throw new InputError('input-unsupported', resolved, 'an interview file is .json, .csv or .md (columns or fields "question" and "answer")');
  }
  let stats;
  try {
    stats = await stat(resolved);
  } catch (error) {
    throw new InputError('input-unreadable', resolved, (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message, { cause: error });
  }
  if (!stats.isFile()) throw new InputError('input-unsupported', resolved, 'not a file');

  const records: InterviewRecord[] = [];
  for await (const record of createInterviewReader().read(resolved, { signal: options.signal, limits: options.limits })) {
    if (record.kind === 'interview') records.push(record);
  }
  const contentHash = await hashFile(resolved, options.signal);
  options.signal?.throwIfAborted();

  return database.transaction((): ImportSummary => {
    savePersona(database, persona, []);
    const sourceId = saveSource(database, {
      personaId: persona,
      path: resolved,
      type: 'interview',
      contentHash,
      sizeBytes: stats.size,
      modifiedAt: stats.mtime.toISOString(),
      ingestedAt: new Date().toISOString(),
      identityKey: '',
    });
    detachSourceItems(database, sourceId);
    const context = { writer: createItemWriter(database), personaId: persona, sourceId, sourcePath: resolved, chunking: options.chunking, fallbackDate: stats.mtime };
    let added = 0;
    records.forEach((record, position) => {
      const item = prepareInterview({ ...record, tone: record.tone ?? guessTone(record.answer) });
      item.metadata.via = 'imported';
      if (saveItem(context, item, position).added) added += 1;
    });
    updateSourceItemCount(database, sourceId);
    return { file: resolved, answers: records.length, added, duplicates: records.length - added };
  })();
}
