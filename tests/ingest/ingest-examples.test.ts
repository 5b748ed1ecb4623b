/** The sample persona end to end: counts, attribution across formats, and a file with no plaintext. */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { ingest } from '../../src/ingest/ingest-run.js';
import { privateTemporaryFolder } from '../../src/private-temporary-folder.js';
import type { IngestSummary } from '../../src/ingest/ingest-summary.js';
import { openStore } from '../../src/store/store.js';
import { temporaryFolder } from '../helpers/temporary-folder.js';
import { testConfig } from '../helpers/test-config.js';

const examples = path.resolve('examples/meera-krishnan');
const authors = ['meera@kaveri-bridgeworks.example', 'Meera Krishnan'];
const limits = { maxFileBytes: 50 * 1024 * 1024, maxUnzippedBytes: 50 * 1024 * 1024 };

test('the sample persona ingests completely, each item once, attributed to its writer', { timeout: 120_000 }, async (context) => {
  const home = temporaryFolder(context);
  using store = openStore(testConfig(home));
  const summary: IngestSummary = await ingest({
    store,
    persona: 'meera',
    authors,
    inputs: [examples],
    chunking: { targetTokens: 500, overlapTokens: 60 },
    limits,
    stallTimeoutMs: 60_000,
  });
  assert.deepEqual(summary.files, { seen: 27, ingested: 26, unchanged: 0, skipped: 1 });
  assert.deepEqual(summary.skipped, [{ path: path.join(examples, 'documents', 'scan.tiff'), reason: 'unsupported file type .tiff' }]);
  assert.deepEqual(summary.skippedRecords, []);
  assert.deepEqual(summary.added, { email: 23, document: 8, chat: 8, interview: 20 });
  assert.equal(summary.duplicates, 2);

  const database = store.database;
  const count = (sql: string, ...parameters: unknown[]): number => database.prepare(sql).pluck().get(...parameters) as number;
  assert.equal(count("SELECT count(*) FROM items WHERE kind = 'email' AND is_persona = 1"), 12);
  assert.equal(count("SELECT count(*) FROM items WHERE kind = 'email' AND is_persona = 0"), 11);
  assert.equal(count("SELECT count(*) FROM items WHERE kind = 'document' AND parent_item_id IS NOT NULL"), 2, 'both attachments are documents linked to their email');
  // Attachments pass through files in this process's private folder (see private-temporary-folder.ts); none is left.
  assert.deepEqual(readdirSync(privateTemporaryFolder('attachments', os.tmpdir())), []);
  assert.equal(count("SELECT count(*) FROM items WHERE kind = 'document' AND is_persona = 1"), 6);
  assert.equal(count('SELECT count(*) FROM interviews'), 20);
  // 8 chat messages in 3 conversations: all but each conversation's opening message answered ChatGPT.
  assert.equal(count("SELECT count(*) FROM passages WHERE role = 'context'"), 5, 'each chat reply keeps the message it answered');
  assert.equal(count("SELECT count(*) FROM passages JOIN items ON items.id = item_id WHERE items.kind = 'chat' AND text LIKE '%Hmm, are you sure?%'"), 0, 'the abandoned ChatGPT branch is left out');

  const meerasWords = database.prepare("SELECT text FROM passages WHERE is_persona = 1 AND role = 'body'").pluck().all() as string[];
  const joined = meerasWords.join('\n');
  assert.ok(!/^>/m.test(joined), 'no quoted lines in the persona\'s words');
  assert.ok(!/Sent from my iPhone|-----Original Message-----|intended (solely )?for the/i.test(joined), 'no signatures, headers or disclaimers');
  assert.ok(/[\u0B80-\u0BFF]/.test(joined), 'Tamil–English text passes through');
  assert.ok(count("SELECT count(*) FROM passages WHERE role = 'quote' AND is_persona = 0 AND author_address IS NOT NULL") > 0);

  // Nothing stored reads as plaintext on disk: probe every passage.
  const everyPassage = database.prepare('SELECT text FROM passages').pluck().all() as string[];
  store.close();
  const files = readdirSync(home).filter((name) => name.startsWith('persona.db')).map((name) => readFileSync(path.join(home, name)));
  const probes = everyPassage.flatMap((text) => {
    const line = text.split('\n').find((candidate) => Buffer.byteLength(candidate) >= 16);
    return line ? [line.slice(0, 16)] : [];
  });
  assert.ok(probes.length > 80, `${probes.length} probes`);
  for (const probe of probes) {
    const needle = Buffer.from(probe);
    for (const file of files) assert.equal(file.indexOf(needle), -1, `"${probe}" is readable in the database file`);
  }
});
