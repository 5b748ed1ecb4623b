import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { makeEmail } from '../helpers/make-email.js';
import { runPersona } from '../helpers/run-persona.js';
import { temporaryFolder } from '../helpers/temporary-folder.js';

test('every subcommand has --help', (context) => {
  const home = temporaryFolder(context);
  const top = runPersona(home, ['--help']);
  assert.equal(top.status, 0);
  for (const command of ['ingest', 'clean', 'sources', 'forget', 'embed', 'search', 'ask', 'models', 'adapters', 'transcribe', 'say', 'voices', 'keys', 'serve', 'demo', 'interview', 'profile', 'modes', 'dataset', 'eval', 'compare', 'batch']) {
    assert.match(top.stdout, new RegExp(`\\n\\s+${command}\\b`));
    const help = runPersona(home, [command, '--help']);
    assert.equal(help.status, 0, `${command} --help`);
    assert.match(help.stdout, new RegExp(`Usage: persona ${command}`));
  }
});

test('clean --json prints the visible text, the author and what was removed', (context) => {
  const folder = temporaryFolder(context);
  const file = path.join(folder, 'reply.eml');
  writeFileSync(
    file,
    makeEmail({
      subject: 'Re: Site visit',
      body: [
        'Hi Tom,',
        '',
        'Thursday works. Bring the moisture meter.',
        '',
        'Cheers,',
        'Meera',
        '',
        'On Mon, 3 Mar 2025 at 18:02, Tom Okafor <tom@kaveri-bridgeworks.example> wrote:',
        '> Can we do the site visit on Thursday?',
        '> ',
        '> Tom',
      ].join('\n'),
    }),
  );
  const result = runPersona(folder, ['clean', '--json', file]);
  assert.equal(result.status, 0, result.stderr);
  const cleaned = JSON.parse(result.stdout) as Record<string, unknown>;
  assert.equal(cleaned.text, 'Thursday works. Bring the moisture meter.');
  assert.equal(cleaned.author, 'Meera Krishnan <meera@kaveri-bridgeworks.example>');
  assert.equal(cleaned.subject, 'Re: Site visit');
  assert.equal(cleaned.date, '2025-03-04T04:45:00.000Z');
  const removed = cleaned.removed as Record<string, number>;
  assert.equal(removed.greeting, 1);
  assert.ok((removed.quote ?? 0) >= 3);
  assert.ok((removed.signature ?? 0) >= 1);
  assert.equal(typeof removed.disclaimer, 'number');
});

test('ingest, sources and forget work together; --strict fails on skips; bad paths are named', (context) => {
  const folder = temporaryFolder(context);
  const home = path.join(folder, 'home');
  const corpus = path.join(folder, 'corpus');
  const eml = path.join(folder, 'corpus', 'note.eml');
  const garbage = path.join(folder, 'corpus', 'garbage.eml');
  mkdirSync(corpus);
  writeFileSync(eml, makeEmail({ messageId: 'note@x', body: 'The deck is fine.' }));
  writeFileSync(garbage, Buffer.from([0, 1, 2, 3, 4, 5]));

  const ingest = runPersona(home, ['ingest', corpus, '--persona', 'meera', '--author', 'meera@kaveri-bridgeworks.example', '--json', '--no-embed']);
  assert.equal(ingest.status, 0, ingest.stderr);
  const summary = JSON.parse(ingest.stdout) as { added: Record<string, number>; skipped: { path: string; reason: string }[] };
  assert.equal(summary.added.email, 1);
  assert.deepEqual(summary.skipped.map((skipped) => skipped.path), [garbage]);

  const strict = runPersona(home, ['ingest', corpus, '--persona', 'meera', '--strict', '--no-embed']);
  assert.equal(strict.status, 1);
  assert.match(strict.stdout, /garbage\.eml: binary data/);

  const sources = JSON.parse(runPersona(home, ['sources', '--json']).stdout) as { path: string; itemCount: number; chunkCount: number }[];
  assert.deepEqual(sources.map((source) => [source.path, source.itemCount, source.chunkCount]), [[eml, 1, 1]]);

  const forget = runPersona(home, ['forget', eml]);
  assert.equal(forget.status, 0, forget.stderr);
  assert.match(forget.stdout, /forgot .*note\.eml \(1 items, 1 chunks\)/);
  assert.deepEqual(JSON.parse(runPersona(home, ['sources', '--json']).stdout), []);

  const unknown = runPersona(home, ['forget', path.join(folder, 'nothing-here.eml')]);
  assert.equal(unknown.status, 1);
  assert.match(unknown.stderr, /No ingested source matches .*nothing-here\.eml/);

  // Nothing given could be read: a failed run (issue 13), with the summary still printed.
  const missing = runPersona(home, ['ingest', path.join(folder, 'missing-folder'), '--json', '--no-embed']);
  assert.equal(missing.status, 1);
  assert.match(missing.stdout, /no such file or folder/);
  assert.match(missing.stderr, /nothing could be read: .*missing-folder: no such file or folder/);
});

test('a bad configuration is refused naming the setting', (context) => {
  const home = temporaryFolder(context);
  const result = runPersona(home, ['sources'], { PERSONA_CHUNK_TOKENS: 'lots' });
  assert.equal(result.status, 78);
  assert.match(result.stderr, /ingest\.chunkTokens \(PERSONA_CHUNK_TOKENS\)/);
});
