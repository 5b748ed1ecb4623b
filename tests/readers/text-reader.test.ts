import iconv from 'iconv-lite';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { decodeText } from '../../src/ingest/readers/decode-text.js';
import { createTextReader } from '../../src/ingest/readers/text-reader.js';
import type { DocumentRecord } from '../../src/ingest/source-record.js';
import { expectInputError } from '../helpers/expect-input-error.js';
import { readRecords } from '../helpers/read-records.js';
import { makeTemporaryFolder } from '../helpers/temporary-folder-per-file.js';

const folder = makeTemporaryFolder('text-reader');
const reader = createTextReader();
const TAMIL_AND_ENGLISH = 'வணக்கம்! I am Ada. நான் கணிதத்தை நேசிக்கிறேன் — maths is poetry, ஆம்.\nSecond line: ழ ஞ ஷ ஸ்ரீ.';
const WESTERN = 'Café crème — “quoted” naïve façade, 5 € and ½.';

function write(name: string, bytes: Buffer | string): string {
  const file = path.join(folder, name);
  writeFileSync(file, bytes);
  return file;
}

async function readText(file: string): Promise<DocumentRecord> {
  const records = await readRecords(reader, file);
  assert.equal(records.length, 1);
  return records[0] as DocumentRecord;
}

describe('text reader', () => {
  test('passes Tamil–English UTF-8 through intact', async () => {
    const record = await readText(write('bilingual.txt', Buffer.from(TAMIL_AND_ENGLISH, 'utf8')));
    assert.deepEqual(record, { kind: 'document', format: 'text', title: 'bilingual', pages: [{ text: TAMIL_AND_ENGLISH }] });
  });

  test('decodes windows-1252, UTF-16 with either BOM, UTF-16 without BOM and UTF-8 with BOM', async () => {
    const encodings: Array<[string, Buffer]> = [
      ['windows-1252', iconv.encode(WESTERN, 'windows-1252')],
      ['utf-16le', iconv.encode(WESTERN, 'utf-16le', { addBOM: true })],
      ['utf-16be', iconv.encode(WESTERN, 'utf-16be', { addBOM: true })],
      ['utf-16le', iconv.encode(WESTERN, 'utf-16le')],
      ['utf-8', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(WESTERN)])],
    ];
    for (const [index, [encoding, bytes]] of encodings.entries()) {
      const file = write(`western-${index}.txt`, bytes);
      assert.equal((await readText(file)).pages[0]?.text, WESTERN, `from ${encoding}`);
      assert.equal(decodeText(bytes, file).encoding, encoding);
    }
    const tamilUtf16 = write('tamil-utf16.txt', iconv.encode(TAMIL_AND_ENGLISH, 'utf-16le', { addBOM: true }));
    assert.equal((await readText(tamilUtf16)).pages[0]?.text, TAMIL_AND_ENGLISH);
  });

  test('turns Windows and old Mac line endings into \\n', async () => {
    const record = await readText(write('crlf.txt', 'one\r\ntwo\rthree\n'));
    assert.equal(record.pages[0]?.text, 'one\ntwo\nthree\n');
  });

  test('reads Markdown, lifting front matter into title, author and date', async () => {
    const markdown = '---\ntitle: "Notes on Engines"\nauthor: Ada Quill\ndate: 2020-05-17\ntags: [maths]\n---\n# Heading\n\nBody **kept** as written.\n';
    const record = await readText(write('notes.md', markdown));
    assert.equal(record.format, 'markdown');
    assert.equal(record.title, 'Notes on Engines');
    assert.equal(record.author, 'Ada Quill');
    assert.equal(record.date?.toISOString(), '2020-05-17T00:00:00.000Z');
    assert.equal(record.pages[0]?.text, '# Heading\n\nBody **kept** as written.\n');
  });

  test('titles Markdown by its first heading, then by its file name', async () => {
    assert.equal((await readText(write('a.md', 'Intro line\n\n# The Real Title #\n\ntext'))).title, 'The Real Title');
    assert.equal((await readText(write('b.markdown', 'Setext Title\n=====\n\ntext'))).title, 'Setext Title');
    assert.equal((await readText(write('plain-note.md', 'no heading here'))).title, 'plain-note');
  });

  test('refuses binary data and empty files', async () => {
    const withNul = write('image.txt', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48]));
    await expectInputError(readRecords(reader, withNul), 'input-unreadable', withNul, /^binary data, not text$/);
    const controls = write('controls.txt', Buffer.from(Array.from({ length: 400 }, (_, index) => (index % 3 === 0 ? 0x01 : 0x41))));
    await expectInputError(readRecords(reader, controls), 'input-unreadable', controls, /^binary data, not text$/);
    const empty = write('empty.txt', Buffer.alloc(0));
    await expectInputError(readRecords(reader, empty), 'input-unreadable', empty, /^empty file$/);
  });

  test('refuses a missing file and a file over maxFileBytes', async () => {
    const missing = path.join(folder, 'missing.txt');
    await expectInputError(readRecords(reader, missing), 'input-unreadable', missing, /^file not found$/);
    const big = write('big.txt', 'x'.repeat(2000));
    await expectInputError(readRecords(reader, big, { limits: { maxFileBytes: 1000 } }), 'input-too-large', big, /^2000 bytes, over the limit of 1000 bytes$/);
    await expectInputError(readRecords(reader, folder), 'input-unreadable', folder, /^not a regular file$/);
  });
});
