import { Document, HeadingLevel, Packer, Paragraph, TextRun } from 'docx';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { createDocxReader } from '../../src/ingest/readers/docx-reader.js';
import type { DocumentRecord } from '../../src/ingest/source-record.js';
import { zipOf } from '../helpers/make-documents.js';
import { expectInputError } from '../helpers/expect-input-error.js';
import { readRecords } from '../helpers/read-records.js';
import { makeTemporaryFolder } from '../helpers/temporary-folder-per-file.js';

const folder = makeTemporaryFolder('docx-reader');
const reader = createDocxReader();
const CENTRAL_DIRECTORY_ENTRY = 0x02014b50;

function wordDocument(properties: { creator?: string; title?: string } = {}): Promise<Buffer> {
  const document = new Document({
    ...properties,
    sections: [
      {
        children: [
          new Paragraph({ text: 'On engines', heading: HeadingLevel.HEADING_1 }),
          new Paragraph({ children: [new TextRun('வணக்கம், I write in two languages.')] }),
          new Paragraph('The engine weaves algebraic patterns.'),
        ],
      },
    ],
  });
  return Packer.toBuffer(document);
}

function write(name: string, bytes: Buffer): string {
  const file = path.join(folder, name);
  writeFileSync(file, bytes);
  return file;
}

/** Rewrites what the central directory declares as an entry's uncompressed size, as a hostile zip would. */
function declareSize(zip: Buffer, entryName: string, size: number): Buffer {
  const patched = Buffer.from(zip);
  for (let offset = 0; offset + 46 <= patched.length; offset += 1) {
    if (patched.readUInt32LE(offset) !== CENTRAL_DIRECTORY_ENTRY) continue;
    const nameLength = patched.readUInt16LE(offset + 28);
    if (patched.toString('utf8', offset + 46, offset + 46 + nameLength) === entryName) {
      patched.writeUInt32LE(size, offset + 24);
      return patched;
    }
  }
  throw new Error(`no central directory entry ${entryName}`);
}

describe('docx reader', () => {
  test('yields the text with author, title and date from the core properties', async () => {
    const before = Date.now();
    const file = write('engines.docx', await wordDocument({ creator: 'Ada Quill & Co', title: 'On Engines <draft>' }));
    const records = await readRecords(reader, file);
    assert.equal(records.length, 1);
    const record = records[0] as DocumentRecord;
    assert.equal(record.format, 'docx');
    assert.equal(record.title, 'On Engines <draft>');
    assert.equal(record.author, 'Ada Quill & Co');
    assert.ok(record.date && record.date.getTime() >= before - 1000, 'dcterms:created is the creation time');
    assert.equal(
      record.pages[0]?.text,
      'On engines\n\nவணக்கம், I write in two languages.\n\nThe engine weaves algebraic patterns.',
    );
  });

  test('takes the title from the file name when the core properties have none', async () => {
    const file = write('letter-to-charles.docx', await wordDocument());
    const [record] = (await readRecords(reader, file)) as DocumentRecord[];
    assert.equal(record?.title, 'letter-to-charles');
  });

  test('refuses a zip whose declared contents exceed maxUnzippedBytes', async () => {
    // Numbered lines compress only a few times, so this trips the total, not the ratio.
    const lines = Array.from({ length: 60_000 }, (_, index) => `<w:p>${index * 7919}</w:p>`).join('\n');
    const file = write('large.docx', await zipOf({ 'word/document.xml': lines, '[Content_Types].xml': '<Types/>' }));
    await expectInputError(
      readRecords(reader, file, { limits: { maxUnzippedBytes: 512 * 1024 } }),
      'input-too-large',
      file,
      /^the zip would inflate to \d+ bytes, over the limit of 524288 bytes$/,
    );
  });

  test('refuses a zip bomb by its compression ratio even within the size limit', async () => {
    const file = write('bomb.docx', await zipOf({ 'word/document.xml': Buffer.alloc(8 * 1024 * 1024, 0x20) }));
    await expectInputError(readRecords(reader, file), 'input-too-large', file, /would inflate \d+ times .*a zip bomb$/);
  });

  test('refuses a central directory that declares a huge size', async () => {
    const file = write('declared-huge.docx', declareSize(await wordDocument(), 'word/document.xml', 0xfff00000));
    await expectInputError(readRecords(reader, file), 'input-too-large', file, /word\/document\.xml would inflate/);
  });

  test('refuses an entry that inflates past the size it declares', async () => {
    const file = write('declared-small.docx', declareSize(await wordDocument(), 'word/document.xml', 10));
    await expectInputError(
      readRecords(reader, file),
      'input-unreadable',
      file,
      /^a damaged DOCX: zip entry word\/document\.xml inflates past its declared 10 bytes$/,
    );
  });

  test('refuses garbage bytes and truncated zips as not a DOCX', async () => {
    const garbage = write('garbage.docx', Buffer.from('PK\u0003\u0004 but nothing else that a zip needs, just words'));
    await expectInputError(readRecords(reader, garbage), 'input-unreadable', garbage, /^not a DOCX \(zip\) file: /);
    const whole = await wordDocument();
    const truncated = write('truncated.docx', whole.subarray(0, whole.length - 200));
    await expectInputError(readRecords(reader, truncated), 'input-unreadable', truncated, /^not a DOCX \(zip\) file: /);
    const empty = write('empty.docx', Buffer.alloc(0));
    await expectInputError(readRecords(reader, empty), 'input-unreadable', empty, /^not a DOCX \(zip\) file: /);
  });

  test('refuses a zip that is not a Word document', async () => {
    const file = write('spreadsheet.docx', await zipOf({ 'xl/workbook.xml': '<workbook/>' }));
    await expectInputError(readRecords(reader, file), 'input-unsupported', file, /no word\/document\.xml/);
  });

  test('refuses an encrypted DOCX (an OLE compound file) as unsupported', async () => {
    const compound = Buffer.alloc(1024);
    Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]).copy(compound);
    const file = write('encrypted.docx', compound);
    await expectInputError(readRecords(reader, file), 'input-unsupported', file, /password-protected DOCX/);
  });

  test('refuses a file over maxFileBytes', async () => {
    const file = write('limited.docx', await wordDocument());
    await expectInputError(readRecords(reader, file, { limits: { maxFileBytes: 1000 } }), 'input-too-large', file, /over the limit/);
  });
});
