/** Hostile and broken files in one folder: each is skipped with a reason, the rest is stored, nothing crashes. */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import iconv from 'iconv-lite';
import { makeEmail } from '../helpers/make-email.js';
import { renderPdf, zipOf } from '../helpers/make-documents.js';
import { runPersona } from '../helpers/run-persona.js';
import { temporaryFolder } from '../helpers/temporary-folder.js';

test('bad inputs are skipped with reasons, good ones stored, and the run exits 0', { timeout: 120_000 }, async (context) => {
  const folder = temporaryFolder(context);
  const corpus = path.join(folder, 'corpus');
  const home = path.join(folder, 'home');
  const file = (name: string): string => path.join(corpus, name);
  mkdirSync(corpus);

  const goodPdf = await renderPdf({ info: { Author: 'Meera Krishnan', Title: 'Deck note' } }, ['The deck is a stress-ribbon.', 'Page two on damping.']);
  writeFileSync(file('good.pdf'), goodPdf);
  writeFileSync(file('truncated.pdf'), goodPdf.subarray(0, Math.floor(goodPdf.length / 3)));
  writeFileSync(file('locked.pdf'), await renderPdf({ userPassword: 'secret', ownerPassword: 'owner' }, ['Hidden words.']));
  writeFileSync(file('bomb.docx'), await zipOf({ '[Content_Types].xml': '<Types/>', 'word/document.xml': Buffer.alloc(32 * 1024 * 1024, 0x20) }));
  writeFileSync(file('garbage.docx'), Buffer.from('PK\u0003\u0004 this is not really a zip at all'));
  writeFileSync(file('zero.txt'), '');
  writeFileSync(file('garbage.eml'), Buffer.from([0x00, 0xff, 0x13, 0x37, 0x00, 0x42]));
  writeFileSync(file('latin1.txt'), iconv.encode('Café by the river – the deck was déjà dry.', 'windows-1252'));
  writeFileSync(file('utf16.txt'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('நாளைக்கு site visit இருக்கு', 'utf16le')]));
  writeFileSync(file('broken.json'), '{"title": "half a conversa');
  writeFileSync(file('note.eml'), makeEmail({ messageId: 'note@x', body: 'The culvert is clear.' }));

  const run = runPersona(home, ['ingest', corpus, '--persona', 'meera', '--author', 'Meera Krishnan', '--json', '--no-embed'], { PERSONA_MAX_UNZIPPED_BYTES: String(8 * 1024 * 1024) });
  assert.equal(run.status, 0, run.stderr);
  const summary = JSON.parse(run.stdout) as { added: Record<string, number>; skipped: { path: string; reason: string }[] };
  const reasons = Object.fromEntries(summary.skipped.map((skipped) => [path.basename(skipped.path), skipped.reason]));
  assert.deepEqual(Object.keys(reasons).sort(), ['bomb.docx', 'broken.json', 'garbage.docx', 'garbage.eml', 'locked.pdf', 'truncated.pdf', 'zero.txt']);
  assert.match(reasons['locked.pdf']!, /password/);
  assert.match(reasons['truncated.pdf']!, /PDF/);
  assert.match(reasons['bomb.docx']!, /zip bomb|over the limit|inflate/);
  assert.match(reasons['garbage.docx']!, /zip|DOCX/i);
  assert.match(reasons['zero.txt']!, /empty/);
  assert.match(reasons['garbage.eml']!, /binary/);
  assert.match(reasons['broken.json']!, /JSON/);
  assert.deepEqual(summary.added, { document: 3, email: 1 });

  const cleaned = runPersona(home, ['clean', '--json', file('latin1.txt')]);
  assert.equal((JSON.parse(cleaned.stdout) as { text: string }).text, 'Café by the river – the deck was déjà dry.');
  const tamil = runPersona(home, ['clean', '--json', file('utf16.txt')]);
  assert.equal((JSON.parse(tamil.stdout) as { text: string }).text, 'நாளைக்கு site visit இருக்கு');
});
