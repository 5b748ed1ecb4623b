import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { makeEmail } from '../helpers/make-email.js';
import { runPersona } from '../helpers/run-persona.js';
import { temporaryFolder } from '../helpers/temporary-folder.js';

test('ingest embeds in the background; search works before and after; embed reports a run in progress', { timeout: 180_000 }, async (context) => {
  const folder = temporaryFolder(context);
  const home = path.join(folder, 'home');
  const corpus = path.join(folder, 'corpus');
  mkdirSync(corpus);
  const topics = ['drainage scuppers keep rain off the deck', 'the bearings need replacing after the monsoon', 'filter coffee with the site crew', 'the handrail posts are galvanised steel'];
  topics.forEach((topic, index) => writeFileSync(path.join(corpus, `${index}.eml`), makeEmail({ messageId: `topic-${index}@x`, subject: `Note ${index}`, body: `Quick note: ${topic}.` })));

  const ingest = runPersona(home, ['ingest', corpus, '--persona', 'meera', '--author', 'meera@kaveri-bridgeworks.example', '--json']);
  assert.equal(ingest.status, 0, ingest.stderr);
  const summary = JSON.parse(ingest.stdout) as { backgroundEmbedding?: { pid: number; log: string } };
  assert.ok(summary.backgroundEmbedding?.pid, 'a background embedding run was started');

  const early = runPersona(home, ['search', 'galvanised handrail', '--persona', 'meera', '--json']);
  assert.equal(early.status, 0, early.stderr);
  assert.match((JSON.parse(early.stdout) as { hits: { text: string }[] }).hits[0]!.text, /handrail/);

  let coverage = 0;
  for (let attempt = 0; attempt < 120 && coverage < 1; attempt += 1) {
    await sleep(1000);
    const status = JSON.parse(runPersona(home, ['embed', '--persona', 'meera', '--json']).stdout) as { running?: boolean };
    if (status.running) continue;
    coverage = (JSON.parse(runPersona(home, ['search', 'rain on the walkway', '--persona', 'meera', '--json']).stdout) as { denseCoverage: number }).denseCoverage;
  }
  assert.equal(coverage, 1, 'the background run embedded everything');
  const later = JSON.parse(runPersona(home, ['search', 'rain on the walkway', '--persona', 'meera', '--json']).stdout) as { hits: { text: string; denseRank?: number }[] };
  assert.ok(later.hits.some((hit) => hit.denseRank !== undefined));
});
