/**
 * Word documents. The zip is inspected and every entry inflated under a bound before
 * mammoth sees it, because mammoth (through jszip) trusts whatever sizes the file declares.
 */
import mammoth from 'mammoth';
import path from 'node:path';
import { InputError } from '../../errors.js';
import type { DocumentRecord, ReadLimits, SourceReader } from '../source-record.js';
import { readFileWithinLimit } from './read-file-within-limit.js';
import {
  findZipBudgetProblem,
  inflateZipEntry,
  readZipDirectory,
  ZipFormatError,
  type ZipEntry,
} from './zip-inspector.js';

/** Real Word files hold tens of parts, hundreds with many images. */
const MAX_ENTRIES = 10_000;
/** Word XML compresses 10–30 times; a part over 1 MiB claiming more than 200 is built to explode. */
const MAX_COMPRESSION_RATIO = 200;
const RATIO_FLOOR_BYTES = 1024 * 1024;
/** Encrypted Office files and old .doc files are OLE compound files, not zips. */
const COMPOUND_FILE_SIGNATURE = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);

export function createDocxReader(): SourceReader {
  return {
    type: 'docx',
    async *read(file, { signal, limits }) {
      const bytes = await readFileWithinLimit(file, limits, signal);
      const parts = await unpackSafely(bytes, file, limits, signal);
      let text: string;
      try {
        text = (await mammoth.extractRawText({ buffer: bytes })).value;
      } catch (error) {
        throw new InputError('input-unreadable', file, `not a readable DOCX: ${(error as Error).message}`, { cause: error });
      }
      signal?.throwIfAborted();
      const properties = parts.coreProperties ? readCoreProperties(parts.coreProperties) : {};
      const record: DocumentRecord = {
        kind: 'document',
        format: 'docx',
        title: properties.title || path.basename(file, path.extname(file)),
        pages: [{ text: text.trim() }],
      };
      if (properties.author) record.author = properties.author;
      if (properties.date) record.date = properties.date;
      yield record;
    },
  };
}

async function unpackSafely(
  bytes: Buffer,
  file: string,
  limits: ReadLimits,
  signal: AbortSignal | undefined,
): Promise<{ coreProperties?: string }> {
  if (bytes.subarray(0, COMPOUND_FILE_SIGNATURE.length).equals(COMPOUND_FILE_SIGNATURE)) {
    throw new InputError('input-unsupported', file, 'a password-protected DOCX or an old binary .doc file, not a DOCX');
  }
  let entries: ZipEntry[];
  try {
    entries = readZipDirectory(bytes);
  } catch (error) {
    if (!(error instanceof ZipFormatError)) throw error;
    throw new InputError('input-unreadable', file, `not a DOCX (zip) file: ${error.message}`, { cause: error });
  }
  const problem = findZipBudgetProblem(entries, {
    maxUnzippedBytes: limits.maxUnzippedBytes,
    maxEntries: MAX_ENTRIES,
    maxCompressionRatio: MAX_COMPRESSION_RATIO,
    ratioFloorBytes: RATIO_FLOOR_BYTES,
  });
  if (problem) throw new InputError('input-too-large', file, problem);
  if (!entries.some((entry) => entry.name === 'word/document.xml')) {
    throw new InputError('input-unsupported', file, 'a zip file but not a Word document (no word/document.xml)');
  }
  let coreProperties: string | undefined;
  for (const entry of entries) {
    signal?.throwIfAborted();
    try {
      const content = await inflateZipEntry(bytes, entry);
      if (entry.name === 'docProps/core.xml') coreProperties = content.toString('utf8');
    } catch (error) {
      if (!(error instanceof ZipFormatError)) throw error;
      throw new InputError('input-unreadable', file, `a damaged DOCX: ${error.message}`, { cause: error });
    }
  }
  return coreProperties === undefined ? {} : { coreProperties };
}

function readCoreProperties(xml: string): { title?: string; author?: string; date?: Date } {
  const properties: { title?: string; author?: string; date?: Date } = {};
  const title = elementText(xml, 'dc:title');
  if (title) properties.title = title;
  const author = elementText(xml, 'dc:creator');
  if (author) properties.author = author;
  const created = elementText(xml, 'dcterms:created');
  const date = created ? new Date(created) : undefined;
  if (date && !Number.isNaN(date.getTime())) properties.date = date;
  return properties;
}

function elementText(xml: string, qualifiedName: string): string | undefined {
  const match = new RegExp(`<${qualifiedName}(?:\\s[^>]*)?>([\\s\\S]*?)</${qualifiedName}>`).exec(xml);
  return match?.[1] ? decodeXmlEntities(match[1]).trim() || undefined : undefined;
}

function decodeXmlEntities(text: string): string {
  return text.replace(/&(?:#(\d+)|#x([0-9a-fA-F]+)|(amp|lt|gt|quot|apos));/g, (whole, decimal, hex, named) => {
    if (decimal) return safeCodePoint(Number.parseInt(decimal, 10)) ?? whole;
    if (hex) return safeCodePoint(Number.parseInt(hex, 16)) ?? whole;
    return { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }[named as 'amp'] ?? whole;
  });
}

function safeCodePoint(codePoint: number): string | undefined {
  return codePoint <= 0x10ffff ? String.fromCodePoint(codePoint) : undefined;
}
