import iconv from 'iconv-lite';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { createHtmlReader } from '../../src/ingest/readers/html-reader.js';
import type { DocumentRecord } from '../../src/ingest/source-record.js';
import { expectInputError } from '../helpers/expect-input-error.js';
import { readRecords } from '../helpers/read-records.js';
import { makeTemporaryFolder } from '../helpers/temporary-folder-per-file.js';

const folder = makeTemporaryFolder('html-reader');
const reader = createHtmlReader();

function write(name: string, bytes: Buffer | string): string {
  const file = path.join(folder, name);
  writeFileSync(file, bytes);
  return file;
}

async function readHtml(file: string): Promise<DocumentRecord> {
  const records = await readRecords(reader, file);
  assert.equal(records.length, 1);
  return records[0] as DocumentRecord;
}

describe('html reader', () => {
  test('honours <meta charset> and keeps only the words', async () => {
    const html = `<!doctype html>
<html><head>
<meta charset="windows-1252">
<title>Caf\u00e9 &amp; Engines</title>
<meta name="author" content="Ada Quill">
<meta name="date" content="2019-09-01">
<style>body { color: red }</style>
<script>var secret = "not prose";</script>
</head><body>
<nav><a href="/">Home</a> <a href="/about">About</a></nav>
<h1>On the engine</h1>
<p>A caf\u00e9 \u201cconversation\u201d about <a href="https://example.com/engine">the engine</a>.</p>
<img src="portrait.png" alt="portrait">
</body></html>`;
    const record = await readHtml(write('post.html', iconv.encode(html, 'windows-1252')));
    assert.equal(record.format, 'html');
    assert.equal(record.title, 'Caf\u00e9 & Engines');
    assert.equal(record.author, 'Ada Quill');
    assert.equal(record.date?.toISOString(), '2019-09-01T00:00:00.000Z');
    assert.equal(record.pages[0]?.text, 'On the engine\n\nA caf\u00e9 \u201cconversation\u201d about the engine.');
  });

  test('reads a latin-1 label as windows-1252, as browsers do', async () => {
    const html = '<html><head><meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1"></head><body><p>\u201cQuoted\u201d na\u00efve</p></body></html>';
    const record = await readHtml(write('legacy.htm', iconv.encode(html, 'windows-1252')));
    assert.equal(record.pages[0]?.text, '\u201cQuoted\u201d na\u00efve');
    assert.equal(record.title, 'legacy');
  });

  test('reads UTF-8 without a declaration, Tamil included', async () => {
    const html = '<html><head><title>வணக்கம்</title></head><body><p>நான் Ada. I like maths.</p></body></html>';
    const record = await readHtml(write('tamil.html', html));
    assert.equal(record.title, 'வணக்கம்');
    assert.equal(record.pages[0]?.text, 'நான் Ada. I like maths.');
  });

  test('refuses an empty file', async () => {
    const file = write('empty.html', '');
    await expectInputError(readRecords(reader, file), 'input-unreadable', file, /^empty file$/);
  });
});
