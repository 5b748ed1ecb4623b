import CFB from 'cfb';
import MsgReaderModule from '@kenjiuno/msgreader';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { createMsgReader } from '../../src/ingest/readers/msg-reader.js';
import type { EmailRecord } from '../../src/ingest/source-record.js';
import { expectInputError } from '../helpers/expect-input-error.js';
import { makeMsgFile, type MsgFileOptions } from '../helpers/make-msg-file.js';
import { readRecords } from '../helpers/read-records.js';
import { makeTemporaryFolder } from '../helpers/temporary-folder-per-file.js';

const folder = makeTemporaryFolder('msg-reader');
const reader = createMsgReader();

const MESSAGE: MsgFileOptions = {
  subject: 'Re: the engine – notes',
  body: 'Dear Charles,\r\nThe engine weaves algebraic patterns. வணக்கம்!\r\nAda',
  html: '<p>Dear Charles,</p><p>The engine weaves algebraic patterns.</p>',
  from: { name: 'Ada Quill', address: 'ada@lovelace-labs.example' },
  to: [{ name: 'Charles B', address: 'charles@engine.example' }],
  cc: [{ address: 'mary@example.com' }],
  date: new Date('2024-03-05T10:00:00Z'),
  messageId: '<engine-2@lovelace-labs.example>',
  inReplyTo: '<engine-1@engine.example>',
  references: ['<engine-0@engine.example>', '<engine-1@engine.example>'],
  attachments: [{ filename: 'table of numbers.txt', contentType: 'text/plain', content: Buffer.from('B1 = -1/2\nB2 = 1/6\n') }],
};

function write(name: string, bytes: Buffer): string {
  const file = path.join(folder, name);
  writeFileSync(file, bytes);
  return file;
}

/** Points the first sector of the root's mini stream at itself in the FAT: a chain that never ends. */
function withLoopingChain(msg: Buffer): Buffer {
  const looping = Buffer.from(msg);
  const sectorSize = 512;
  const firstFatSector = looping.readUInt32LE(0x4c);
  const directorySector = looping.readUInt32LE(0x30);
  const miniStreamStart = looping.readUInt32LE((directorySector + 1) * sectorSize + 0x74);
  looping.writeUInt32LE(miniStreamStart, (firstFatSector + 1) * sectorSize + 4 * miniStreamStart);
  return looping;
}

describe('msg reader', () => {
  test('the helper writes a .msg that msgreader itself reads back', () => {
    const fields = new MsgReaderModule.default(new Uint8Array(makeMsgFile(MESSAGE)).buffer).getFileData();
    assert.equal(fields.subject, MESSAGE.subject);
    assert.equal(fields.senderSmtpAddress, 'ada@lovelace-labs.example');
    assert.deepEqual(
      fields.recipients?.map((recipient) => [recipient.recipType, recipient.smtpAddress]),
      [
        ['to', 'charles@engine.example'],
        ['cc', 'mary@example.com'],
      ],
    );
    assert.equal(fields.attachments?.[0]?.fileName, 'table of numbers.txt');
  });

  test('yields one email with sender, recipients, dates, ids, bodies and attachments', async () => {
    const records = await readRecords(reader, write('reply.msg', makeMsgFile(MESSAGE)));
    assert.equal(records.length, 1);
    // Normalised as the .eml reader does: no angle brackets, lower case.
    const email = records[0] as EmailRecord;
    assert.deepEqual(email, {
      kind: 'email',
      messageId: 'engine-2@lovelace-labs.example',
      inReplyTo: 'engine-1@engine.example',
      references: ['engine-0@engine.example', 'engine-1@engine.example'],
      from: { name: 'Ada Quill', address: 'ada@lovelace-labs.example' },
      to: [{ name: 'Charles B', address: 'charles@engine.example' }],
      cc: [{ address: 'mary@example.com' }],
      date: new Date('2024-03-05T10:00:00Z'),
      subject: 'Re: the engine – notes',
      text: MESSAGE.body,
      html: MESSAGE.html,
      attachments: [{ filename: 'table of numbers.txt', contentType: 'text/plain', content: Buffer.from('B1 = -1/2\nB2 = 1/6\n') }],
    });
  });

  test('reads a message without transport headers from its properties alone', async () => {
    const file = write(
      'draft.msg',
      makeMsgFile({ ...MESSAGE, transportHeaders: false, inReplyTo: undefined, references: undefined, html: undefined, attachments: [] }),
    );
    const [email] = (await readRecords(reader, file)) as EmailRecord[];
    assert.equal(email?.messageId, 'engine-2@lovelace-labs.example');
    assert.equal(email?.date?.toISOString(), '2024-03-05T10:00:00.000Z');
    assert.equal(email?.inReplyTo, undefined);
    assert.deepEqual(email?.references, []);
    assert.equal(email?.html, undefined);
    assert.deepEqual(email?.attachments, []);
  });

  test('reads a large body and attachment stored outside the mini stream', async () => {
    const body = 'A long letter. '.repeat(1000);
    const content = Buffer.alloc(50_000, 7);
    const file = write('long.msg', makeMsgFile({ ...MESSAGE, body, attachments: [{ filename: 'data.bin', contentType: 'application/octet-stream', content }] }));
    const [email] = (await readRecords(reader, file)) as EmailRecord[];
    assert.equal(email?.text, body);
    assert.ok(email?.attachments[0]?.content.equals(content));
  });

  test('decodes an old ANSI message in the code page it names', async () => {
    const file = write(
      'cyrillic.msg',
      makeMsgFile({ ...MESSAGE, subject: 'Привет, Ада', body: 'Машина ткёт алгебраические узоры.', html: undefined, ansiCodePage: 1251 }),
    );
    const [email] = (await readRecords(reader, file)) as EmailRecord[];
    assert.equal(email?.subject, 'Привет, Ада');
    assert.equal(email?.text, 'Машина ткёт алгебраические узоры.');
    assert.equal(email?.from?.name, 'Ada Quill');
  });

  test('refuses a file that is not a compound file', async () => {
    const file = write('garbage.msg', Buffer.from('From: someone\r\nSubject: an eml renamed to .msg\r\n\r\nbody'));
    await expectInputError(readRecords(reader, file), 'input-unreadable', file, /^not an Outlook \.msg file$/);
  });

  test('refuses a compound file that holds no message', async () => {
    const container = CFB.utils.cfb_new();
    CFB.utils.cfb_add(container, '/WordDocument', Buffer.from('not a message'));
    const file = write('document.msg', Buffer.from(CFB.write(container, { type: 'buffer' }) as Uint8Array));
    await expectInputError(readRecords(reader, file), 'input-unreadable', file, /without mail properties/);
  });

  test('refuses truncated files and looping sector chains instead of hanging', async () => {
    const whole = makeMsgFile(MESSAGE);
    const truncated = write('truncated.msg', whole.subarray(0, Math.floor(whole.length / 2)));
    await expectInputError(readRecords(reader, truncated), 'input-unreadable', truncated, /^a damaged \.msg file: /);
    const looping = write('looping.msg', withLoopingChain(whole));
    await expectInputError(readRecords(reader, looping), 'input-unreadable', looping, /^a damaged \.msg file: .*a loop/);
  });

  test('refuses a file over maxFileBytes', async () => {
    const file = write('limited.msg', makeMsgFile(MESSAGE));
    await expectInputError(readRecords(reader, file, { limits: { maxFileBytes: 1024 } }), 'input-too-large', file, /over the limit/);
  });
});
