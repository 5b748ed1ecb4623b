/** Runs a reader to the end and keeps every record, the way the ingest pipeline consumes it. */
import type { ReadLimits, SourceReader, SourceRecord } from '../../src/ingest/source-record.js';

export const GENEROUS_LIMITS: ReadLimits = { maxFileBytes: 64 * 1024 * 1024, maxUnzippedBytes: 256 * 1024 * 1024 };

export async function readRecords(
  reader: SourceReader,
  file: string,
  options: { limits?: Partial<ReadLimits>; signal?: AbortSignal } = {},
): Promise<SourceRecord[]> {
  const records: SourceRecord[] = [];
  const limits = { ...GENEROUS_LIMITS, ...options.limits };
  for await (const record of reader.read(file, options.signal ? { limits, signal: options.signal } : { limits })) {
    records.push(record);
  }
  return records;
}
