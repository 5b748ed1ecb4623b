import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { createPdfReader } from '../../src/ingest/readers/pdf-reader.js';
import type { DocumentRecord } from '../../src/ingest/source-record.js';
import { renderPdf } from '../helpers/make-documents.js';
import { expectInputError } from '../helpers/expect-input-error.js';
import { readRecords } from '../helpers/read-records.js';
import { makeTemporaryFolder } from '../helpers/temporary-folder-per-file.js';

const folder = makeTemporaryFolder('pdf-reader');
const reader = createPdfReader();

async function writePdf(name: string, options: PDFKit.PDFDocumentOptions, pages: string[]): Promise<string> {
  const file = path.join(folder, name);
  writeFileSync(file, await renderPdf(options, pages));
  return file;
}

describe('pdf reader', () => {
  test('yields one document with a page per PDF page and the metadata of the file', async () => {
    const file = await writePdf(
      'lecture-notes.pdf',
      { info: { Title: 'Notes on the Analytical Engine', Author: 'Ada Quill', CreationDate: new Date('2021-02-03T04:05:06Z') } },
      ['The engine weaves algebraic patterns.', 'Second page: the Bernoulli numbers.', 'Third page.'],
    );
    const records = await readRecords(reader, file);
    assert.equal(records.length, 1);
    const record = records[0] as DocumentRecord;
    assert.equal(record.kind, 'document');
    assert.equal(record.format, 'pdf');
    assert.equal(record.title, 'Notes on the Analytical Engine');
    assert.equal(record.author, 'Ada Quill');
    assert.equal(record.date?.toISOString(), '2021-02-03T04:05:06.000Z');
    assert.deepEqual(
      record.pages.map((page) => [page.page, page.text.trim()]),
      [
        [1, 'The engine weaves algebraic patterns.'],
        [2, 'Second page: the Bernoulli numbers.'],
        [3, 'Third page.'],
      ],
    );
  });

  test('takes the title from the file name when the PDF has none', async () => {
    const file = await writePdf('untitled-draft.pdf', {}, ['Some words.']);
    const [record] = (await readRecords(reader, file)) as DocumentRecord[];
    assert.equal(record?.title, 'untitled-draft');
    assert.equal(record?.author, undefined);
  });

  test('reads a PDF that only restricts permissions with an owner password', async () => {
    const file = await writePdf('restricted.pdf', { ownerPassword: 'owner', permissions: { printing: 'lowResolution' } }, [
      'Readable, though not editable.',
    ]);
    const [record] = (await readRecords(reader, file)) as DocumentRecord[];
    assert.equal(record?.pages[0]?.text.trim(), 'Readable, though not editable.');
  });

  test('refuses a password-protected PDF as unsupported', async () => {
    const file = await writePdf('locked.pdf', { userPassword: 'secret', ownerPassword: 'owner' }, ['Hidden words.']);
    await expectInputError(readRecords(reader, file), 'input-unsupported', file, /^password-protected PDF$/);
  });

  test('refuses a truncated PDF as unreadable', async () => {
    const whole = await renderPdf({}, ['One page.', 'Two pages.']);
    for (const share of [0.3, 0.6, 0.9]) {
      const file = path.join(folder, `truncated-${share}.pdf`);
      writeFileSync(file, whole.subarray(0, Math.floor(whole.length * share)));
      await expectInputError(readRecords(reader, file), 'input-unreadable', file, /^not a readable PDF: /);
    }
  });

  test('refuses bytes that are not a PDF at all', async () => {
    const file = path.join(folder, 'garbage.pdf');
    writeFileSync(file, Buffer.from('this is not a pdf, just words in a file with the wrong name'));
    await expectInputError(readRecords(reader, file), 'input-unreadable', file, /^not a readable PDF: no %PDF header$/);
  });

  test('refuses a PDF without a text layer, which would need OCR', async () => {
    const file = path.join(folder, 'scan.pdf');
    writeFileSync(file, await renderPdf({}, [], (document) => document.rect(50, 50, 200, 100).fill('#333')));
    await expectInputError(readRecords(reader, file), 'input-unsupported', file, /no text layer/);
  });

  test('refuses a file over maxFileBytes before reading it', async () => {
    const file = await writePdf('big.pdf', {}, ['Words.']);
    await expectInputError(readRecords(reader, file, { limits: { maxFileBytes: 100 } }), 'input-too-large', file, /over the limit of 100 bytes/);
  });

  test('stops with the abort reason when the signal aborts', async () => {
    const file = await writePdf('aborted.pdf', {}, ['Page one.', 'Page two.']);
    const controller = new AbortController();
    const reading = readRecords(reader, file, { signal: controller.signal });
    controller.abort();
    await assert.rejects(reading, { name: 'AbortError' });
    await assert.rejects(readRecords(reader, file, { signal: AbortSignal.abort() }), { name: 'AbortError' });
  });
});
