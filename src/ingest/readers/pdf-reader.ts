/**
 * PDFs through pdf-parse (pdf.js). pdf.js runs on the main thread in Node, so the reader
 * checks the signal between pages, and loads pdf-parse only when the first PDF arrives:
 * importing it costs about half a second that a run without PDFs should not pay.
 */
import path from 'node:path';
import type { InfoResult, PDFParse as PdfParser } from 'pdf-parse';
import { InputError } from '../../errors.js';
import type { DocumentPage, DocumentRecord, SourceReader } from '../source-record.js';
import { readFileWithinLimit } from './read-file-within-limit.js';

/** pdf.js tolerates junk before the header, as long as `%PDF-` comes within the first kilobyte. */
const HEADER_SEARCH_BYTES = 1024;
/** Titles that PDF printers write in place of a real one. */
const PRINTER_TITLE_PREFIX = /^Microsoft (?:Word|PowerPoint|Excel) - /;

let pdfParseModule: Promise<typeof import('pdf-parse')> | undefined;

export function createPdfReader(): SourceReader {
  return {
    type: 'pdf',
    async *read(file, { signal, limits }) {
      const bytes = await readFileWithinLimit(file, limits, signal);
      if (!bytes.subarray(0, HEADER_SEARCH_BYTES).includes('%PDF-')) {
        throw new InputError('input-unreadable', file, 'not a readable PDF: no %PDF header');
      }
      pdfParseModule ??= import('pdf-parse');
      const { PDFParse } = await pdfParseModule;
      signal?.throwIfAborted();
      // pdf-parse copies a Buffer before pdf.js takes ownership of (detaches) the bytes.
      const parser = new PDFParse({ data: bytes, verbosity: 0 });
      const loading = parser.getInfo();
      let record: DocumentRecord;
      try {
        record = await extract(parser, await untilAborted(loading, signal), file, signal);
      } catch (error) {
        throw translateError(error, file, signal);
      } finally {
        // After an abort the load may still be running: the document can be destroyed only once it settles.
        const destroyed = loading.then(() => parser.destroy(), () => parser.destroy()).catch(() => undefined);
        if (!signal?.aborted) await destroyed;
      }
      if (record.pages.every((page) => page.text.trim() === '')) {
        throw new InputError('input-unsupported', file, 'no text layer (a scanned PDF would need OCR, which is not supported)');
      }
      yield record;
    },
  };
}

async function extract(
  parser: PdfParser,
  information: InfoResult,
  file: string,
  signal: AbortSignal | undefined,
): Promise<DocumentRecord> {
  const pages: DocumentPage[] = [];
  for (let page = 1; page <= information.total; page += 1) {
    signal?.throwIfAborted();
    const result = await parser.getText({ partial: [page] });
    pages.push({ page, text: result.pages[0]?.text ?? '' });
  }
  const info = (information.info ?? {}) as Record<string, unknown>;
  const record: DocumentRecord = {
    kind: 'document',
    format: 'pdf',
    title: metadataText(info['Title'])?.replace(PRINTER_TITLE_PREFIX, '') || path.basename(file, path.extname(file)),
    pages,
  };
  const author = metadataText(info['Author']);
  if (author) record.author = author;
  const dates = information.getDateNode();
  const date = dates.CreationDate ?? dates.XmpCreateDate ?? undefined;
  if (date && !Number.isNaN(date.getTime())) record.date = date;
  return record;
}

function metadataText(value: unknown): string | undefined {
  return typeof value === 'string' ? value.replace(/\0/g, '').trim() || undefined : undefined;
}

function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  signal.throwIfAborted();
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

function translateError(error: unknown, file: string, signal: AbortSignal | undefined): unknown {
  if (signal?.aborted) return signal.reason;
  if (error instanceof InputError) return error;
  const name = error instanceof Error ? error.name : '';
  if (name === 'PasswordException') {
    return new InputError('input-unsupported', file, 'password-protected PDF', { cause: error });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new InputError('input-unreadable', file, `not a readable PDF: ${message}`, { cause: error });
}
