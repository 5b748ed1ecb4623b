import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { ingest } from '../../src/ingest/ingest-run.js';
import { listSources, forgetSource } from '../../src/store/source-repository.js';
import { openStore, type Store } from '../../src/store/store.js';
import { makeEmail, makeMbox } from '../helpers/make-email.js';
import { makeMsgFile } from '../helpers/make-msg-file.js';
import { countRows, dumpCorpus } from '../helpers/store-dump.js';
import { temporaryFolder } from '../helpers/temporary-folder.js';
import { testConfig } from '../helpers/test-config.js';

const meera = 'Meera Krishnan <meera@kaveri-bridgeworks.example>';
const tom = 'Tom Okafor <tom@kaveri-bridgeworks.example>';
const authors = ['meera@kaveri-bridgeworks.example'];
const limits = { maxFileBytes: 10 * 1024 * 1024, maxUnzippedBytes: 10 * 1024 * 1024 };

function runIngest(store: Store, inputs: string[], chunkTokens = 500) {
  return ingest({ store, persona: 'meera', authors, inputs, chunking: { targetTokens: chunkTokens, overlapTokens: Math.floor(chunkTokens / 4) }, limits, stallTimeoutMs: 30_000 });
}

const question = makeEmail({
  from: tom,
  to: meera,
  messageId: 'question@x',
  subject: 'Drainage at the east abutment',
  body: 'Hi Meera,\n\nDo the weep holes at the east abutment cope with a monsoon cloudburst?\n\nThanks,\nTom',
});
const answer = makeEmail({
  from: meera,
  to: tom,
  messageId: 'answer@x',
  inReplyTo: 'question@x',
  subject: 'Re: Drainage at the east abutment',
  body: [
    'Hi Tom,',
    '',
    'They do, if we add a second row of weep holes and keep the gravel filter clean. I ran the 100-year storm numbers last night.',
    '',
    'Cheers,',
    'Meera',
    '',
    'On Tue, 4 Mar 2025 at 09:12, Tom Okafor <tom@kaveri-bridgeworks.example> wrote:',
    '> Do the weep holes at the east abutment cope with a monsoon cloudburst?',
  ].join('\n'),
});

function writeCorpus(folder: string): { mail: string; mbox: string } {
  const mail = path.join(folder, 'mail');
  mkdirSync(mail, { recursive: true });
  writeFileSync(path.join(mail, 'question.eml'), question);
  writeFileSync(path.join(mail, 'answer.eml'), answer);
  const mbox = path.join(folder, 'archive.mbox');
  writeFileSync(mbox, makeMbox([answer, makeEmail({ from: meera, messageId: 'other@x', subject: 'Coffee', body: 'Filter coffee after the site visit?' })]));
  return { mail, mbox };
}

test('attribution: the persona writes the reply, the quoted question stays Tom\'s', async (context) => {
  const folder = temporaryFolder(context);
  const { mail } = writeCorpus(folder);
  using store = openStore(testConfig(path.join(folder, 'home')));
  const summary = await runIngest(store, [mail]);
  assert.equal(summary.added.email, 2);
  const passages = store.database
    .prepare('SELECT passages.role, passages.author_address, passages.is_persona, passages.text FROM passages ORDER BY passages.id')
    .all() as { role: string; author_address: string; is_persona: number; text: string }[];
  const body = passages.find((passage) => passage.role === 'body' && passage.is_persona === 1);
  assert.ok(body?.text.startsWith('They do, if we add a second row of weep holes'), 'the reply is the persona\'s');
  assert.ok(!body!.text.includes('Do the weep holes'), 'the quote is not in the persona\'s words');
  assert.ok(!body!.text.includes('Cheers'), 'the sign-off is a style feature, not knowledge');
  const quote = passages.find((passage) => passage.role === 'quote');
  assert.equal(quote?.author_address, 'tom@kaveri-bridgeworks.example');
  assert.equal(quote?.is_persona, 0);
  const tomsBody = passages.find((passage) => passage.role === 'body' && passage.author_address === 'tom@kaveri-bridgeworks.example');
  assert.equal(tomsBody?.is_persona, 0);
  const style = store.database.prepare("SELECT greeting, sign_off FROM items WHERE message_id = 'answer@x'").get();
  assert.deepEqual({ ...(style as object) }, { greeting: 'Hi Tom,', sign_off: 'Cheers,' });
  const personaChunks = store.database.prepare('SELECT text FROM chunks WHERE is_persona = 1').pluck().all() as string[];
  assert.ok(personaChunks.every((text) => !text.includes('cloudburst')));
  assert.equal(summary.personaWords, 25);
});

test('the same email as .eml and inside an mbox is stored once; forgetting one source keeps it', async (context) => {
  const folder = temporaryFolder(context);
  const { mail, mbox } = writeCorpus(folder);
  using store = openStore(testConfig(path.join(folder, 'home')));
  const summary = await runIngest(store, [mail, mbox]);
  assert.equal(summary.duplicates, 1);
  assert.equal(countRows(store.database, 'items'), 3);
  assert.equal(store.database.prepare("SELECT count(*) FROM item_sources JOIN items ON items.id = item_id WHERE message_id = 'answer@x'").pluck().get(), 2);
  const mboxSource = listSources(store.database).find((source) => source.path === mbox)!;
  forgetSource(store.database, mboxSource.id);
  assert.equal(store.database.prepare("SELECT count(*) FROM items WHERE message_id = 'answer@x'").pluck().get(), 1, 'still held by answer.eml');
  assert.equal(store.database.prepare("SELECT count(*) FROM items WHERE message_id = 'other@x'").pluck().get(), 0, 'only the mbox held it');
  const emlSource = listSources(store.database).find((source) => source.path.endsWith('answer.eml'))!;
  forgetSource(store.database, emlSource.id);
  assert.equal(store.database.prepare("SELECT count(*) FROM items WHERE message_id = 'answer@x'").pluck().get(), 0);
  assert.equal(store.database.prepare("SELECT count(*) FROM chunks JOIN items ON items.id = chunks.item_id WHERE message_id = 'answer@x'").pluck().get(), 0);
});

test('a message without Message-ID dedupes by content across files', async (context) => {
  const folder = temporaryFolder(context);
  const noId = makeEmail({ from: meera, messageId: '', subject: 'Handrail', body: 'Keep the handrail detail simple.\n\n— M' });
  writeFileSync(path.join(folder, 'a.eml'), noId);
  writeFileSync(path.join(folder, 'b.eml'), noId.replace(/\n/g, '\r\n'));
  using store = openStore(testConfig(path.join(folder, 'home')));
  const summary = await runIngest(store, [folder]);
  assert.equal(summary.added.email, 1);
  assert.equal(summary.duplicates, 1);
});

test('running twice adds nothing; a changed file replaces its old chunks', async (context) => {
  const folder = temporaryFolder(context);
  const { mail, mbox } = writeCorpus(folder);
  using store = openStore(testConfig(path.join(folder, 'home')));
  await runIngest(store, [mail, mbox]);
  const first = dumpCorpus(store.database);
  const again = await runIngest(store, [mail, mbox]);
  assert.equal(again.files.unchanged, 3);
  assert.deepEqual(again.added, {});
  assert.deepEqual(dumpCorpus(store.database), first);

  writeFileSync(mbox, makeMbox([makeEmail({ from: meera, messageId: 'replaced@x', subject: 'Bearings', body: 'The bearing replacement can wait until after the monsoon.' })]));
  const changed = await runIngest(store, [mail, mbox]);
  assert.equal(changed.files.ingested, 1);
  const subjects = store.database.prepare('SELECT subject FROM items ORDER BY subject').pluck().all();
  assert.deepEqual(subjects, ['Bearings', 'Drainage at the east abutment', 'Re: Drainage at the east abutment']);
  assert.equal(store.database.prepare("SELECT count(*) FROM chunks WHERE text LIKE '%Filter coffee%'").pluck().get(), 0);
});

test('a stored file that turns into garbage is skipped and its stored data is kept', async (context) => {
  const folder = temporaryFolder(context);
  const { mail } = writeCorpus(folder);
  using store = openStore(testConfig(path.join(folder, 'home')));
  await runIngest(store, [mail]);
  const before = dumpCorpus(store.database);
  writeFileSync(path.join(mail, 'answer.eml'), Buffer.from([0, 159, 146, 150, 0, 1, 2]));
  const summary = await runIngest(store, [mail]);
  assert.equal(summary.files.skipped, 1);
  assert.match(summary.skipped[0]!.reason, /binary data/);
  assert.deepEqual(dumpCorpus(store.database), before);
});

test('long bodies are cut into overlapping sentence chunks with metadata', async (context) => {
  const folder = temporaryFolder(context);
  const sentences = Array.from({ length: 60 }, (_, index) => `Sentence number ${index} talks about the pedestrian deck and its damping.`);
  writeFileSync(path.join(folder, 'long.eml'), makeEmail({ from: meera, messageId: 'long@x', subject: 'Damping', body: sentences.join(' ') }));
  using store = openStore(testConfig(path.join(folder, 'home')));
  await runIngest(store, [folder], 100);
  const chunks = store.database.prepare('SELECT text, token_count, metadata FROM chunks ORDER BY position').all() as { text: string; token_count: number; metadata: string }[];
  assert.ok(chunks.length > 3);
  for (const chunk of chunks) {
    assert.ok(chunk.token_count <= 100);
    assert.match(chunk.text, /^Sentence number \d+/);
    assert.match(chunk.text, /damping\.$/);
  }
  const metadata = JSON.parse(chunks[1]!.metadata) as Record<string, unknown>;
  assert.equal(metadata.subject, 'Damping');
  assert.equal(metadata.authorAddress, 'meera@kaveri-bridgeworks.example');
  assert.equal(metadata.thread, 'long@x');
  assert.equal(metadata.position, 1);
  assert.ok(String(metadata.source).endsWith('long.eml'));
  const firstEnd = chunks[0]!.text.split('. ').at(-1);
  assert.ok(chunks[1]!.text.includes(firstEnd!), 'neighbouring chunks overlap');
});

test('the same email as .msg (Outlook) and .eml is stored once, by Message-ID or, without headers, by content', async (context) => {
  const folder = temporaryFolder(context);
  const body = 'The scupper spacing of 1.2 m is fine for the 100-year storm.';
  const eml = makeEmail({ from: meera, to: tom, messageId: 'Scupper-1@Kaveri-Bridgeworks.example', subject: 'Scupper spacing', body });
  writeFileSync(path.join(folder, 'scupper.eml'), eml);
  const msgOptions = {
    subject: 'Scupper spacing',
    body: `${body}\r\n`,
    from: { name: 'Meera Krishnan', address: 'meera@kaveri-bridgeworks.example' },
    to: [{ name: 'Tom Okafor', address: 'tom@kaveri-bridgeworks.example' }],
    date: new Date('2025-03-04T04:45:00Z'),
    messageId: '<Scupper-1@Kaveri-Bridgeworks.example>',
  };
  writeFileSync(path.join(folder, 'scupper.msg'), makeMsgFile(msgOptions));
  writeFileSync(path.join(folder, 'scupper-without-headers.msg'), makeMsgFile({ ...msgOptions, transportHeaders: false, messageId: '' }));
  using store = openStore(testConfig(path.join(folder, 'home')));
  const summary = await runIngest(store, [folder]);
  assert.equal(summary.added.email, 1);
  assert.equal(summary.duplicates, 2);
});

test('adding an address to the persona later re-attributes files already stored', async (context) => {
  const folder = temporaryFolder(context);
  const { mail } = writeCorpus(folder);
  using store = openStore(testConfig(path.join(folder, 'home')));
  const options = { store, persona: 'meera', inputs: [mail], chunking: { targetTokens: 500, overlapTokens: 60 }, limits, stallTimeoutMs: 30_000 };
  await ingest({ ...options, authors: ['Somebody Else'] });
  const personaItems = (): number => store.database.prepare('SELECT count(*) FROM items WHERE is_persona = 1').pluck().get() as number;
  assert.equal(personaItems(), 0);
  const again = await ingest({ ...options, authors: ['meera@kaveri-bridgeworks.example'] });
  assert.equal(again.files.ingested, 2, 'both files are read again with the new identity');
  assert.equal(personaItems(), 1);
  assert.equal(store.database.prepare('SELECT count(*) FROM items').pluck().get(), 2);
  const third = await ingest({ ...options, authors: [] });
  assert.equal(third.files.unchanged, 2, 'identities are remembered: no new ones, nothing to redo');
});
