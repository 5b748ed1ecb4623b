/**
 * An ingest run: walk the inputs, read each new or changed file, clean, attribute,
 * dedupe, chunk and store. Each file is stored in one transaction, so a run killed at
 * any moment leaves whole files or nothing, and a rerun finishes the rest.
 */
import { describeError, InputError } from '../errors.js';
import { createItemWriter } from '../store/item-writer.js';
import { savePersona } from '../store/persona-repository.js';
import { detachSourceItems, findSource, saveSource, touchSource, updateSourceItemCount } from '../store/source-repository.js';
import { inTransaction, type Store } from '../store/store.js';
import { chooseReader } from './choose-reader.js';
import type { ChunkOptions } from './chunker.js';
import { hashFile } from './file-hash.js';
import { emptySummary, mergeSummary, type IngestProgress, type IngestSummary } from './ingest-summary.js';
import { createPersonaIdentity } from './persona-identity.js';
import { prepareAttachments } from './prepare-attachments.js';
import { prepareChat, prepareDocument, prepareEmail, prepareInterview } from './prepare-item.js';
import type { PreparedItem } from './prepared-item.js';
import { saveItem, type SaveContext } from './save-item.js';
import type { ReadLimits, SourceReader, SourceRecord } from './source-record.js';
import { createStallGuard, StallError } from './stall-guard.js';
import { walkInputs, type InputFile } from './walk-inputs.js';

export interface IngestOptions {
  store: Store;
  persona: string;
  /** Addresses and names that are the persona; added to those already stored for it. */
  authors: readonly string[];
  inputs: readonly string[];
  chunking: ChunkOptions;
  limits: ReadLimits;
  /** A file that makes no progress for this long is skipped. */
  stallTimeoutMs: number;
  signal?: AbortSignal;
  onProgress?: (progress: IngestProgress) => void;
}

export async function ingest(options: IngestOptions): Promise<IngestSummary> {
  const started = performance.now();
  const { database } = options.store;
  const summary = emptySummary(options.persona);
  const persona = savePersona(database, options.persona, options.authors);
  const identity = createPersonaIdentity(persona.identities);
  const writer = createItemWriter(database);

  const walked = await walkInputs(options.inputs);
  summary.skipped.push(...walked.skipped);
  summary.files.seen = walked.files.length;
  const bytesTotal = walked.files.reduce((sum, file) => sum + file.size, 0);
  const progress: IngestProgress = { file: '', filesDone: 0, filesTotal: walked.files.length, bytesDone: 0, bytesTotal, itemsAdded: 0 };

  for (const file of walked.files) {
    options.signal?.throwIfAborted();
    progress.file = file.path;
    options.onProgress?.(progress);
    const bytesBefore = progress.bytesDone;
    const outcome = await ingestFile(file, {
      ...options,
      identity,
      summary,
      onBytesRead: (bytes) => {
        progress.bytesDone = bytesBefore + bytes;
        options.onProgress?.(progress);
      },
      onItemAdded: () => {
        progress.itemsAdded += 1;
      },
      makeContext: (sourceId) => ({
        writer,
        personaId: options.persona,
        sourceId,
        sourcePath: file.path,
        chunking: options.chunking,
        fallbackDate: file.modifiedAt,
      }),
    });
    if (outcome.kind === 'skipped') {
      summary.files.skipped += 1;
      summary.skipped.push({ path: file.path, reason: outcome.reason });
    } else {
      summary.files[outcome.kind] += 1;
    }
    progress.filesDone += 1;
    progress.bytesDone = bytesBefore + file.size;
    options.onProgress?.(progress);
  }

  summary.durationMs = Math.round(performance.now() - started);
  database
    .prepare('INSERT INTO ingest_runs (persona_id, started_at, finished_at, summary) VALUES (?, ?, ?, ?)')
    .run(options.persona, new Date(Date.now() - summary.durationMs).toISOString(), new Date().toISOString(), JSON.stringify(summary));
  return summary;
}

/** A file the walk listed can be deleted or made unreadable before the run reaches it. */
function describeFileError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return 'the file disappeared during the run';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return describeError(error);
}

type FileOutcome = { kind: 'ingested' | 'unchanged' } | { kind: 'skipped'; reason: string };

interface FileContext extends IngestOptions {
  identity: ReturnType<typeof createPersonaIdentity>;
  summary: IngestSummary;
  onBytesRead: (bytes: number) => void;
  onItemAdded: () => void;
  makeContext: (sourceId: number) => SaveContext;
}

async function ingestFile(file: InputFile, context: FileContext): Promise<FileOutcome> {
  const { database } = context.store;
  const modifiedAt = file.modifiedAt.toISOString();
  const existing = findSource(database, context.persona, file.path);
  const sameAttribution = existing?.identityKey === context.identity.key;
  if (existing && sameAttribution && existing.sizeBytes === file.size && existing.modifiedAt === modifiedAt) return { kind: 'unchanged' };

  let choice;
  try {
    choice = await chooseReader(file.path, context.limits);
  } catch (error) {
    return { kind: 'skipped', reason: describeFileError(error) };
  }
  if ('skip' in choice) return { kind: 'skipped', reason: choice.skip };
  if (file.size === 0) return { kind: 'skipped', reason: 'empty file' };

  let contentHash: string;
  try {
    contentHash = await hashFile(file.path, context.signal);
  } catch (error) {
    if (context.signal?.aborted) throw context.signal.reason;
    return { kind: 'skipped', reason: describeFileError(error) };
  }
  if (existing && sameAttribution && existing.contentHash === contentHash) {
    touchSource(database, existing.id, modifiedAt);
    return { kind: 'unchanged' };
  }

  const guard = createStallGuard(context.stallTimeoutMs, context.signal);
  // What this file adds is counted apart and merged only once its transaction commits.
  const fileSummary = emptySummary(context.persona);
  try {
    await inTransaction(database, async () => {
      const sourceId = saveSource(database, {
        personaId: context.persona,
        path: file.path,
        type: choice.reader.type,
        contentHash,
        sizeBytes: file.size,
        modifiedAt,
        ingestedAt: new Date().toISOString(),
        identityKey: context.identity.key,
      });
      // A changed file replaces what it brought before; a failure below rolls this back.
      detachSourceItems(database, sourceId);
      await storeRecords(file, choice.reader, context.makeContext(sourceId), { ...context, summary: fileSummary }, guard);
      updateSourceItemCount(database, sourceId);
    });
    mergeSummary(context.summary, fileSummary);
    return { kind: 'ingested' };
  } catch (error) {
    if (context.signal?.aborted) throw context.signal.reason;
    if (error instanceof StallError || guard.signal.reason instanceof StallError) {
      return { kind: 'skipped', reason: (guard.signal.reason as StallError).message };
    }
    if (error instanceof InputError) return { kind: 'skipped', reason: error.reason };
    return { kind: 'skipped', reason: describeFileError(error) };
  } finally {
    guard.dispose();
  }
}

async function storeRecords(
  file: InputFile,
  reader: SourceReader,
  saveContext: SaveContext,
  context: FileContext,
  guard: ReturnType<typeof createStallGuard>,
): Promise<void> {
  const readOptions = {
    signal: guard.signal,
    limits: context.limits,
    onBytesRead: (bytes: number) => {
      guard.progressed();
      context.onBytesRead(bytes);
    },
  };
  let position = 0;
  for await (const record of reader.read(file.path, readOptions)) {
    guard.progressed();
    if (record.kind === 'skipped') {
      context.summary.skippedRecords.push({ path: file.path, position: record.position, reason: record.reason });
      position += 1;
      continue;
    }
    const item = await prepareRecord(record, context, readOptions, file.path, position);
    const saved = saveItem(saveContext, item, position);
    position += 1;
    if (!saved.added) {
      context.summary.duplicates += 1;
      continue;
    }
    context.summary.added[item.kind] = (context.summary.added[item.kind] ?? 0) + 1;
    if (item.attachments.length > 0) context.summary.added.document = (context.summary.added.document ?? 0) + item.attachments.length;
    context.summary.chunks += saved.chunks;
    context.summary.personaWords += saved.personaWords;
    context.onItemAdded();
  }
}

async function prepareRecord(
  record: Exclude<SourceRecord, { kind: 'skipped' }>,
  context: FileContext,
  readOptions: { signal: AbortSignal; limits: ReadLimits },
  path: string,
  position: number,
): Promise<PreparedItem> {
  switch (record.kind) {
    case 'email': {
      const item = prepareEmail(record, context.identity);
      const attachments = await prepareAttachments(record, context.identity, readOptions);
      item.attachments = attachments.documents;
      for (const problem of attachments.problems) {
        context.summary.skippedRecords.push({ path, position: `attachment "${problem.filename}" of message ${position + 1}`, reason: problem.reason });
      }
      return item;
    }
    case 'document':
      return prepareDocument(record, context.identity);
    case 'chat':
      return prepareChat(record);
    case 'interview':
      return prepareInterview(record);
  }
}
