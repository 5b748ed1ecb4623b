import assert from 'node:assert/strict';
import { truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { InputError } from '../../src/errors.js';
import { createMboxReader } from '../../src/ingest/readers/mbox-reader.js';
import type { SourceRecord } from '../../src/ingest/source-record.js';
import { makeEmail, makeMbox } from '../helpers/make-email.js';
import { temporaryFolder } from '../helpers/temporary-folder.js';

const limits = { maxFileBytes: 1024 * 1024, maxUnzippedBytes: 1024 * 1024 };

async function readAll(file: string, options = { limits }): Promise<SourceRecord[]> {
  const records: SourceRecord[] = [];
  for await (const record of createMboxReader().read(file, options)) records.push(record);
  return records;
}

test('an mbox yields each message, with From-escaping undone and bodies intact', async (context) => {
  const folder = temporaryFolder(context);
  const file = path.join(folder, 'archive.mbox');
  writeFileSync(
    file,
    makeMbox([
      makeEmail({ messageId: 'one@x', body: 'First message.\nFrom the start, the span was too long.\n>From quoted escape stays once.' }),
      makeEmail({ messageId: 'two@x', subject: 'Second', body: 'நாளைக்கு site visit இருக்கு, please confirm.', lineEnding: '\r\n' }),
      makeEmail({ messageId: 'three@x', subject: 'Third', body: 'Last one, without a trailing newline at the end of the file.' }).trimEnd(),
    ]).trimEnd(),
  );
  const records = await readAll(file);
  assert.equal(records.length, 3);
  const [first, second, third] = records;
  assert.equal(first?.kind, 'email');
  assert.ok(first?.kind === 'email' && first.text?.includes('\nFrom the start, the span was too long.\n>From quoted escape stays once.'));
  assert.ok(second?.kind === 'email' && second.text?.includes('நாளைக்கு site visit இருக்கு'));
  assert.ok(third?.kind === 'email' && third.subject === 'Third' && third.messageId === 'three@x');
});

test('a message that is not mail is skipped with its position and the rest go on', async (context) => {
  const folder = temporaryFolder(context);
  const file = path.join(folder, 'mixed.mbox');
  writeFileSync(file, makeMbox([makeEmail({ messageId: 'good-1@x', body: 'Fine.' }), '\u0000\u0001\u0002 garbage \u0000', makeEmail({ messageId: 'good-2@x', body: 'Also fine.' })]));
  const records = await readAll(file);
  assert.deepEqual(records.map((record) => record.kind), ['email', 'skipped', 'email']);
  const skipped = records[1];
  assert.ok(skipped?.kind === 'skipped' && /message 2 \(byte \d+\)/.test(skipped.position) && /binary/.test(skipped.reason));
});

test('a message over the size limit is skipped without being buffered', async (context) => {
  const folder = temporaryFolder(context);
  const file = path.join(folder, 'big.mbox');
  writeFileSync(file, makeMbox([makeEmail({ messageId: 'huge@x', body: 'x'.repeat(200_000) }), makeEmail({ messageId: 'small@x', body: 'Small.' })]));
  const records = await readAll(file, { limits: { ...limits, maxFileBytes: 100_000 } });
  assert.equal(records[0]?.kind, 'skipped');
  assert.ok(records[1]?.kind === 'email' && records[1].messageId === 'small@x');
});

test('a file that is not an mbox is refused with a reason naming it', async (context) => {
  const folder = temporaryFolder(context);
  const file = path.join(folder, 'notes.mbox');
  writeFileSync(file, 'Just some notes\nthat are not mail.\n');
  await assert.rejects(readAll(file), (error: unknown) => error instanceof InputError && error.path === file && /not an mbox/.test(error.message));
  writeFileSync(file, '');
  await assert.rejects(readAll(file), /empty file/);
});

test('progress is reported in bytes', async (context) => {
  const folder = temporaryFolder(context);
  const file = path.join(folder, 'progress.mbox');
  const content = makeMbox(Array.from({ length: 50 }, (_, index) => makeEmail({ messageId: `m${index}@x`, body: `Message ${index}. ${'words '.repeat(100)}` })));
  writeFileSync(file, content);
  let last = 0;
  const records: SourceRecord[] = [];
  for await (const record of createMboxReader().read(file, { limits, onBytesRead: (bytes) => (last = bytes) })) records.push(record);
  assert.equal(records.length, 50);
  assert.ok(last > 0 && last <= Buffer.byteLength(content));
});

test('a 2 GB mbox of one endless line streams through in bounded memory', { timeout: 120_000 }, async (context) => {
  const folder = temporaryFolder(context);
  const file = path.join(folder, 'huge.mbox');
  const head = makeMbox([makeEmail({ messageId: 'before@x', body: 'Before the flood.' }), makeEmail({ messageId: 'flood@x', body: 'x' })]).trimEnd();
  writeFileSync(file, head);
  truncateSync(file, 2 * 1024 ** 3); // sparse: 2 GB of NUL bytes after the headers, without a newline
  const rssBefore = process.memoryUsage.rss();
  let peak = rssBefore;
  const records: SourceRecord[] = [];
  for await (const record of createMboxReader().read(file, { limits, onBytesRead: () => (peak = Math.max(peak, process.memoryUsage.rss())) })) {
    records.push(record);
  }
  assert.deepEqual(records.map((record) => record.kind), ['email', 'skipped']);
  assert.match((records[1] as { reason: string }).reason, /over the limit/);
  assert.ok(peak - rssBefore < 200 * 1024 ** 2, `memory grew by ${Math.round((peak - rssBefore) / 1024 ** 2)} MB`);
});
