import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { InputError } from '../../src/errors.js';
import { createEmlReader } from '../../src/ingest/readers/eml-reader.js';
import { isMaildirMessage } from '../../src/ingest/readers/maildir.js';
import type { SourceRecord } from '../../src/ingest/source-record.js';
import { makeEmail } from '../helpers/make-email.js';
import { temporaryFolder } from '../helpers/temporary-folder.js';

const limits = { maxFileBytes: 1024 * 1024, maxUnzippedBytes: 1024 * 1024 };

async function readOne(file: string): Promise<SourceRecord[]> {
  const records: SourceRecord[] = [];
  for await (const record of createEmlReader().read(file, { limits })) records.push(record);
  return records;
}

test('an .eml gives its headers, thread links and both bodies', async (context) => {
  const file = path.join(temporaryFolder(context), 'reply.eml');
  writeFileSync(
    file,
    makeEmail({
      messageId: 'Reply-7@Kaveri-Bridgeworks.example',
      inReplyTo: 'original-3@kaveri-bridgeworks.example',
      subject: 'Re: Footbridge drainage',
      body: 'Plain text body.',
      html: '<p>HTML <b>body</b>.</p>',
      to: 'Tom Okafor <Tom@Kaveri-Bridgeworks.example>, "Lakshmi K" <lakshmi@family.example>',
      lineEnding: '\r\n',
    }),
  );
  const [record] = await readOne(file);
  assert.ok(record?.kind === 'email');
  assert.equal(record.messageId, 'reply-7@kaveri-bridgeworks.example');
  assert.equal(record.inReplyTo, 'original-3@kaveri-bridgeworks.example');
  assert.deepEqual(record.references, ['original-3@kaveri-bridgeworks.example']);
  assert.deepEqual(record.from, { name: 'Meera Krishnan', address: 'meera@kaveri-bridgeworks.example' });
  assert.deepEqual(record.to.map((address) => address.address), ['tom@kaveri-bridgeworks.example', 'lakshmi@family.example']);
  assert.equal(record.text?.trim(), 'Plain text body.');
  assert.match(record.html ?? '', /<b>body<\/b>/);
  assert.equal(record.date?.toISOString(), '2025-03-04T04:45:00.000Z');
});

test('a windows-1252 encoded message is decoded by its declared charset', async (context) => {
  const file = path.join(temporaryFolder(context), 'latin.eml');
  const message = makeEmail({ body: 'Caf\u00e9 at the site \u2013 see you there.' }).replace('charset=utf-8', 'charset=windows-1252');
  const encoded = Buffer.from(message.replace('\u2013', '\u0096').replace('\u00e9', '\u00e9'), 'latin1');
  writeFileSync(file, encoded);
  const [record] = await readOne(file);
  assert.ok(record?.kind === 'email' && record.text?.includes('Café at the site – see you there.'));
});

test('binary garbage or a headerless file named .eml is refused with a reason', async (context) => {
  const folder = temporaryFolder(context);
  const garbage = path.join(folder, 'garbage.eml');
  writeFileSync(garbage, Buffer.from([0, 1, 2, 3, 255, 254, 0, 0, 7, 8]));
  await assert.rejects(readOne(garbage), (error: unknown) => error instanceof InputError && error.path === garbage && /binary data/.test(error.message));
  const prose = path.join(folder, 'prose.eml');
  writeFileSync(prose, 'This is a poem,\nnot an email.\n');
  await assert.rejects(readOne(prose), /no mail headers/);
  const empty = path.join(folder, 'empty.eml');
  writeFileSync(empty, '');
  await assert.rejects(readOne(empty), /empty file/);
});

test('Maildir messages are recognised by their cur/ and new/ folders', (context) => {
  const maildir = path.join(temporaryFolder(context), 'Maildir');
  for (const folder of ['cur', 'new', 'tmp']) mkdirSync(path.join(maildir, folder), { recursive: true });
  assert.ok(isMaildirMessage(path.join(maildir, 'cur', '1709550000.M1P1.host:2,S')));
  assert.ok(isMaildirMessage(path.join(maildir, 'new', '1709550001.M2P1.host')));
  assert.ok(!isMaildirMessage(path.join(maildir, 'tmp', '1709550002.M3P1.host')));
  assert.ok(!isMaildirMessage(path.join(path.dirname(maildir), 'cur', 'x')));
});
