/**
 * Reads a zip's central directory without inflating anything, so an Office file can be
 * judged before any library unzips it: a zip bomb (a few kilobytes that inflate to
 * gigabytes) must be refused on what it declares, and a file whose entries inflate past
 * what they declare must be refused before anyone trusts those declarations.
 */
import { promisify } from 'node:util';
import { inflateRaw } from 'node:zlib';

export interface ZipEntry {
  name: string;
  /** 0 = stored, 8 = deflate; anything else is unusual in Office files. */
  method: number;
  encrypted: boolean;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
}

export interface ZipBudget {
  maxUnzippedBytes: number;
  maxEntries: number;
  /** Entries bigger than `ratioFloorBytes` may not inflate more than this many times. */
  maxCompressionRatio: number;
  ratioFloorBytes: number;
}

/** The file is not a zip, or its structure is broken; the message says where. */
export class ZipFormatError extends Error {
  override readonly name = 'ZipFormatError';
}

const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const ZIP64_END_OF_CENTRAL_DIRECTORY = 0x06064b50;
const ZIP64_LOCATOR = 0x07064b50;
const CENTRAL_DIRECTORY_ENTRY = 0x02014b50;
const LOCAL_FILE_HEADER = 0x04034b50;
const END_RECORD_SIZE = 22;
const MAX_COMMENT_LENGTH = 0xffff;
const ZIP64_EXTRA_FIELD = 0x0001;

const inflateRawAsync = promisify(inflateRaw);

export function readZipDirectory(bytes: Buffer): ZipEntry[] {
  const end = findEndOfCentralDirectory(bytes);
  let entryCount = bytes.readUInt16LE(end + 10);
  let directorySize = bytes.readUInt32LE(end + 12);
  let directoryOffset = bytes.readUInt32LE(end + 16);
  if (bytes.readUInt16LE(end + 4) !== 0 || bytes.readUInt16LE(end + 6) !== 0) {
    throw new ZipFormatError('a multi-part zip');
  }
  if (entryCount === 0xffff || directorySize === 0xffffffff || directoryOffset === 0xffffffff) {
    ({ entryCount, directorySize, directoryOffset } = readZip64End(bytes, end));
  }
  if (directoryOffset + directorySize > bytes.length) {
    throw new ZipFormatError('the central directory lies past the end of the file (truncated?)');
  }
  const entries: ZipEntry[] = [];
  let cursor = directoryOffset;
  for (let index = 0; index < entryCount; index += 1) {
    if (cursor + 46 > bytes.length || bytes.readUInt32LE(cursor) !== CENTRAL_DIRECTORY_ENTRY) {
      throw new ZipFormatError(`central directory entry ${index + 1} of ${entryCount} is missing or damaged`);
    }
    const flags = bytes.readUInt16LE(cursor + 8);
    const nameLength = bytes.readUInt16LE(cursor + 28);
    const extraLength = bytes.readUInt16LE(cursor + 30);
    const commentLength = bytes.readUInt16LE(cursor + 32);
    const nameEnd = cursor + 46 + nameLength;
    if (nameEnd + extraLength + commentLength > bytes.length) {
      throw new ZipFormatError(`central directory entry ${index + 1} runs past the end of the file`);
    }
    // Bit 11 marks UTF-8 names; older tools wrote CP437, which agrees with UTF-8 on the ASCII names Office uses.
    const name = bytes.toString(flags & 0x800 ? 'utf8' : 'latin1', cursor + 46, nameEnd);
    const entry: ZipEntry = {
      name,
      method: bytes.readUInt16LE(cursor + 10),
      encrypted: (flags & 0x1) !== 0,
      compressedSize: bytes.readUInt32LE(cursor + 20),
      uncompressedSize: bytes.readUInt32LE(cursor + 24),
      localHeaderOffset: bytes.readUInt32LE(cursor + 42),
    };
    applyZip64Extra(entry, bytes.subarray(nameEnd, nameEnd + extraLength));
    entries.push(entry);
    cursor = nameEnd + extraLength + commentLength;
  }
  return entries;
}

/** Why the declared contents are too big to unzip, or undefined when they fit the budget. */
export function findZipBudgetProblem(entries: readonly ZipEntry[], budget: ZipBudget): string | undefined {
  if (entries.length > budget.maxEntries) {
    return `the zip holds ${entries.length} entries, over the limit of ${budget.maxEntries}`;
  }
  let total = 0;
  for (const entry of entries) {
    total += entry.uncompressedSize;
    if (
      entry.uncompressedSize > budget.ratioFloorBytes &&
      entry.uncompressedSize > Math.max(entry.compressedSize, 1) * budget.maxCompressionRatio
    ) {
      const ratio = Math.round(entry.uncompressedSize / Math.max(entry.compressedSize, 1));
      return `zip entry ${entry.name} would inflate ${ratio} times (${entry.uncompressedSize} bytes): a zip bomb`;
    }
  }
  if (total > budget.maxUnzippedBytes) {
    return `the zip would inflate to ${total} bytes, over the limit of ${budget.maxUnzippedBytes} bytes`;
  }
  return undefined;
}

/**
 * Inflates one entry, never producing more than it declared: an entry that lies about its
 * size fails here, with memory bounded by the declaration, instead of inside a library.
 */
export async function inflateZipEntry(bytes: Buffer, entry: ZipEntry): Promise<Buffer> {
  if (entry.encrypted) throw new ZipFormatError(`zip entry ${entry.name} is encrypted`);
  const header = entry.localHeaderOffset;
  if (header + 30 > bytes.length || bytes.readUInt32LE(header) !== LOCAL_FILE_HEADER) {
    throw new ZipFormatError(`the local header of zip entry ${entry.name} is missing`);
  }
  const dataStart = header + 30 + bytes.readUInt16LE(header + 26) + bytes.readUInt16LE(header + 28);
  const dataEnd = dataStart + entry.compressedSize;
  if (dataEnd > bytes.length) throw new ZipFormatError(`zip entry ${entry.name} runs past the end of the file (truncated?)`);
  const data = bytes.subarray(dataStart, dataEnd);
  if (entry.method === 0) {
    if (data.length !== entry.uncompressedSize) throw new ZipFormatError(`stored zip entry ${entry.name} has the wrong size`);
    return data;
  }
  if (entry.method !== 8) throw new ZipFormatError(`zip entry ${entry.name} uses compression method ${entry.method}`);
  let inflated: Buffer;
  try {
    // One byte of headroom tells "exactly the declared size" apart from "more than declared".
    inflated = await inflateRawAsync(data, { maxOutputLength: Math.max(entry.uncompressedSize, 1) + 1 });
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new ZipFormatError(`zip entry ${entry.name} inflates past its declared ${entry.uncompressedSize} bytes`);
    }
    throw new ZipFormatError(`zip entry ${entry.name} does not inflate (${(error as Error).message})`);
  }
  if (inflated.length !== entry.uncompressedSize) {
    throw new ZipFormatError(
      `zip entry ${entry.name} inflates to ${inflated.length} bytes, not the declared ${entry.uncompressedSize}`,
    );
  }
  return inflated;
}

function findEndOfCentralDirectory(bytes: Buffer): number {
  if (bytes.length < END_RECORD_SIZE) throw new ZipFormatError('too short to be a zip');
  const lowest = Math.max(0, bytes.length - END_RECORD_SIZE - MAX_COMMENT_LENGTH);
  // Scan backwards: the record sits at the very end unless the zip carries a comment.
  for (let offset = bytes.length - END_RECORD_SIZE; offset >= lowest; offset -= 1) {
    if (bytes.readUInt32LE(offset) === END_OF_CENTRAL_DIRECTORY) {
      const commentLength = bytes.readUInt16LE(offset + 20);
      if (offset + END_RECORD_SIZE + commentLength <= bytes.length) return offset;
    }
  }
  throw new ZipFormatError('no end-of-central-directory record (not a zip, or truncated)');
}

function readZip64End(
  bytes: Buffer,
  end: number,
): { entryCount: number; directorySize: number; directoryOffset: number } {
  const locator = end - 20;
  if (locator < 0 || bytes.readUInt32LE(locator) !== ZIP64_LOCATOR) {
    throw new ZipFormatError('a ZIP64 marker without its locator');
  }
  const record = readSafeInteger(bytes, locator + 8);
  if (record + 56 > bytes.length || bytes.readUInt32LE(record) !== ZIP64_END_OF_CENTRAL_DIRECTORY) {
    throw new ZipFormatError('the ZIP64 end-of-central-directory record is missing');
  }
  return {
    entryCount: readSafeInteger(bytes, record + 32),
    directorySize: readSafeInteger(bytes, record + 40),
    directoryOffset: readSafeInteger(bytes, record + 48),
  };
}

/** ZIP64 sizes replace the 32-bit fields that are set to 0xFFFFFFFF, in a fixed order. */
function applyZip64Extra(entry: ZipEntry, extra: Buffer): void {
  let cursor = 0;
  while (cursor + 4 <= extra.length) {
    const id = extra.readUInt16LE(cursor);
    const size = extra.readUInt16LE(cursor + 2);
    if (id === ZIP64_EXTRA_FIELD) {
      let field = cursor + 4;
      const fieldEnd = Math.min(field + size, extra.length);
      for (const key of ['uncompressedSize', 'compressedSize', 'localHeaderOffset'] as const) {
        if (entry[key] !== 0xffffffff) continue;
        if (field + 8 > fieldEnd) throw new ZipFormatError(`zip entry ${entry.name} has a short ZIP64 field`);
        entry[key] = readSafeInteger(extra, field);
        field += 8;
      }
      return;
    }
    cursor += 4 + size;
  }
}

function readSafeInteger(bytes: Buffer, offset: number): number {
  const value = bytes.readBigUInt64LE(offset);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new ZipFormatError('a ZIP64 size beyond any real file');
  return Number(value);
}
