/** What an ingest run did, for the terminal summary and for `--json`. */
export interface SkippedFile {
  path: string;
  reason: string;
}

export interface SkippedRecordReport {
  path: string;
  position: string;
  reason: string;
}

export interface IngestSummary {
  persona: string;
  files: {
    seen: number;
    ingested: number;
    unchanged: number;
    skipped: number;
  };
  /** New items stored, by kind (email, document, chat, interview); attachments count as documents. */
  added: Record<string, number>;
  /** Items that were already stored from another file or format, and were only linked. */
  duplicates: number;
  personaWords: number;
  chunks: number;
  skipped: SkippedFile[];
  skippedRecords: SkippedRecordReport[];
  durationMs: number;
}

export interface IngestProgress {
  file: string;
  filesDone: number;
  filesTotal: number;
  bytesDone: number;
  bytesTotal: number;
  itemsAdded: number;
}

export function emptySummary(persona: string): IngestSummary {
  return {
    persona,
    files: { seen: 0, ingested: 0, unchanged: 0, skipped: 0 },
    added: {},
    duplicates: 0,
    personaWords: 0,
    chunks: 0,
    skipped: [],
    skippedRecords: [],
    durationMs: 0,
  };
}

/** Adds what one file brought (items, chunks, words, skipped messages) to the run's summary. */
export function mergeSummary(into: IngestSummary, from: IngestSummary): void {
  for (const [kind, count] of Object.entries(from.added)) into.added[kind] = (into.added[kind] ?? 0) + count;
  into.duplicates += from.duplicates;
  into.personaWords += from.personaWords;
  into.chunks += from.chunks;
  into.skippedRecords.push(...from.skippedRecords);
}
