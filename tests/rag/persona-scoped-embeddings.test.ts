/**
 * Issue #13, "one persona's data is its own": embedding records were keyed by embedder
 * alone, so `persona embed --persona sam` took all of meera's records for stale vectors
 * and deleted them, and the next `persona embed --persona meera` did the same to sam.
 * Real engines throughout: the `persona` command in child processes, USE lite, the
 * embedded Chroma server.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { embedPersona } from '../../src/rag/embed-persona.js';
import { embeddedShare } from '../../src/rag/embedding-job.js';
import { openRetrieval } from '../../src/rag/open-retrieval.js';
import { openStore, type Store } from '../../src/store/store.js';
import { runPersona } from '../helpers/run-persona.js';
import { samplePersonaAuthors, samplePersonaFolder } from '../helpers/sample-persona.js';
import { testConfig } from '../helpers/test-config.js';
import { makeTemporaryFolder } from '../helpers/temporary-folder-per-file.js';

const root = makeTemporaryFolder('scoped-embeddings');
const home = path.join(root, 'home');
const samFolder = path.join(root, 'sam');

/** A second, small persona: a note and an email, nothing shared with meera. */
function writeSamCorpus(): void {
  mkdirSync(samFolder, { recursive: true });
  writeFileSync(
    path.join(samFolder, 'bees.txt'),
    'Sam Okafor here. I keep bees on the roof of the bakery on Harbour Street.\nThe hives need checking every Saturday morning before the ovens get hot.\n',
  );
  writeFileSync(
    path.join(samFolder, 'honey.eml'),
    [
      'From: Sam Okafor <sam@example.org>',
      'To: Priya <priya@example.org>',
      'Subject: Honey harvest',
      'Date: Mon, 02 Nov 2026 09:00:00 +0000',
      'Message-ID: <honey-1@example.org>',
      '',
      'Priya, the honey harvest this year was forty jars. I will bring two to the market on Sunday.',
      'Sam',
      '',
    ].join('\r\n'),
  );
}

function embedOutput(persona: string): string {
  const run = runPersona(home, ['embed', '--persona', persona]);
  assert.equal(run.status, 0, run.stderr);
  return run.stdout;
}

function denseCoverage(persona: string, query: string): number {
  const run = runPersona(home, ['search', query, '--persona', persona, '--json']);
  assert.equal(run.status, 0, run.stderr);
  return (JSON.parse(run.stdout) as { denseCoverage: number }).denseCoverage;
}

before(() => {
  writeSamCorpus();
  const authors = samplePersonaAuthors.flatMap((author) => ['--author', author]);
  const meera = runPersona(home, ['ingest', samplePersonaFolder, '--persona', 'meera', ...authors, '--no-embed']);
  assert.equal(meera.status, 0, meera.stderr);
  const sam = runPersona(home, ['ingest', samFolder, '--persona', 'sam', '--author', 'sam@example.org', '--author', 'Sam Okafor', '--no-embed']);
  assert.equal(sam.status, 0, sam.stderr);
});

test("`persona embed --persona sam` removed all of meera's vectors as stale, and `search --persona meera` then saw 0% embedded", { timeout: 300_000 }, () => {
  assert.match(embedOutput('meera'), /Embedded \d+ chunks with use-lite \(0 already embedded, 0 stale vectors removed\)/);
  assert.equal(denseCoverage('meera', 'Is the ground on the east bank firm enough?'), 1);

  // The defect: this run reported "71 stale vectors removed" (every one of meera's).
  assert.match(embedOutput('sam'), /Embedded 2 chunks with use-lite \(0 already embedded, 0 stale vectors removed\)/);
  assert.equal(denseCoverage('meera', 'Is the ground on the east bank firm enough?'), 1, "meera's vectors survive sam's run");
  assert.equal(denseCoverage('sam', 'How much honey was there?'), 1);

  // And the flip back: meera's run leaves sam's vectors alone.
  assert.match(embedOutput('meera'), /Embedded 0 chunks with use-lite \(\d+ already embedded, 0 stale vectors removed\)/);
  assert.equal(denseCoverage('sam', 'How much honey was there?'), 1, "sam's vectors survive meera's run");
});

test('a two-persona test that alternates `embed` five times and ends with both fully embedded', { timeout: 300_000 }, async () => {
  const config = testConfig(home);
  let store: Store | undefined = openStore(config);
  after(() => store?.close());
  const runs: { persona: string; embedded: number; alreadyEmbedded: number; deleted: number }[] = [];
  for (let round = 0; round < 5; round++) {
    for (const persona of round % 2 === 0 ? ['sam', 'meera'] : ['meera', 'sam']) {
      const result = await embedPersona(config, store, persona);
      runs.push({ persona, embedded: result.embedded, alreadyEmbedded: result.alreadyEmbedded, deleted: result.deleted });
    }
  }
  // Nothing was forgotten, so no run may delete a vector; after each persona's first run nothing is left to embed.
  for (const [index, run] of runs.entries()) {
    assert.equal(run.deleted, 0, `run ${index} ${JSON.stringify(run)}`);
    if (index >= 2) assert.equal(run.embedded, 0, `run ${index} ${JSON.stringify(run)}`);
  }

  for (const [persona, query, source] of [
    ['meera', 'Filter coffee or tea in the morning?', 'more.interview.csv'],
    ['sam', 'Who looks after the beehives on the roof?', 'bees.txt'],
  ] as const) {
    await using retrieval = await openRetrieval(config, store, persona);
    assert.equal(embeddedShare(store.database, persona, retrieval.embedder.id, retrieval.chunks), 1, `${persona} is fully embedded`);
    assert.equal(await retrieval.collection.count(), retrieval.chunks.length, `${persona}'s collection holds one vector per chunk`);
    const result = await retrieval.retriever.search(query, { k: 3 });
    assert.equal(result.denseCoverage, 1);
    const expected = result.hits.find((hit) => path.basename(hit.citation.source) === source);
    assert.ok(expected, `${persona}'s hits include ${source}: ${result.hits.map((hit) => hit.citation.label).join('; ')}`);
    assert.ok(expected.denseRank !== undefined, `dense search found it too`);
    // Never another persona's chunk: sam's two chunks have their own ids.
    const ownIds = new Set(retrieval.chunks.map((chunk) => chunk.id));
    for (const hit of result.hits) assert.ok(ownIds.has(hit.chunkId));
  }
  store.close();
  store = undefined;
});
