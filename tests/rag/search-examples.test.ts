/**
 * Retrieval end to end on the sample persona, with the real engines: USE lite embeddings,
 * the embedded Chroma server, BM25. Paraphrased questions find the right passage.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { runEmbedding } from '../../src/rag/embedding-job.js';
import { openRetrieval, type Retrieval } from '../../src/rag/open-retrieval.js';
import { forgetSource, listSources } from '../../src/store/source-repository.js';
import { openStore, type Store } from '../../src/store/store.js';
import { runPersona } from '../helpers/run-persona.js';
import { ingestSamplePersona } from '../helpers/sample-persona.js';
import { testConfig } from '../helpers/test-config.js';

const home = mkdtempSync(path.join(os.tmpdir(), 'persona-search-'));
const config = testConfig(home);
let store: Store;

before(async () => {
  store = openStore(config);
  await ingestSamplePersona(store);
});

after(() => {
  store.close();
  rmSync(home, { recursive: true, force: true });
});

async function withRetrieval<T>(work: (retrieval: Retrieval) => Promise<T>): Promise<T> {
  const retrieval = await openRetrieval(config, store, 'meera');
  try {
    return await work(retrieval);
  } finally {
    await retrieval.close();
  }
}

test('embedding is incremental and resumes after an interruption', { timeout: 300_000 }, async () => {
  await withRetrieval(async (retrieval) => {
    const total = retrieval.chunks.length;
    const controller = new AbortController();
    await assert.rejects(
      runEmbedding({
        database: store.database,
        personaId: 'meera',
        chunks: retrieval.chunks,
        embedder: retrieval.embedder,
        collection: retrieval.collection,
        batchSize: 8,
        signal: controller.signal,
        onProgress: (progress) => {
          if (progress.done >= 16) controller.abort(new Error('stopped on purpose'));
        },
      }),
      /stopped on purpose/,
    );
    const resumed = await runEmbedding({ database: store.database, personaId: 'meera', chunks: retrieval.chunks, embedder: retrieval.embedder, collection: retrieval.collection });
    assert.equal(resumed.alreadyEmbedded, 16);
    assert.equal(resumed.embedded, total - 16);
    assert.equal(await retrieval.collection.count(), total);
    const again = await runEmbedding({ database: store.database, personaId: 'meera', chunks: retrieval.chunks, embedder: retrieval.embedder, collection: retrieval.collection });
    assert.deepEqual(again, { embedded: 0, alreadyEmbedded: total, deleted: 0 });
  });
});

// None of these shares its key words with the passage that answers it.
const paraphrases: [question: string, expected: RegExp][] = [
  ['Why did you decide to become a bridge engineer?', /rope bridge in a school textbook/],
  ['Which qualities do you appreciate in colleagues?', /I don't know yet/],
  ['How do you like to spend your weekend?', /ride down the coast road/],
  ['Tell me about a time people felt a bridge sway under a big crowd', /festival crowd/],
  ['What do you drink in the morning?', /Filter coffee/],
  ['Is the ground on the east bank firm enough?', /Ground is soft/],
];

test('paraphrased questions find the passage that answers them', { timeout: 120_000 }, async () => {
  await withRetrieval(async (retrieval) => {
    for (const [question, expected] of paraphrases) {
      const { hits, denseCoverage } = await retrieval.retriever.search(question, { k: 3 });
      assert.equal(denseCoverage, 1);
      assert.ok(
        hits.some((hit) => expected.test(hit.text)),
        `"${question}" → ${hits.map((hit) => hit.text.slice(0, 60)).join(' | ')}`,
      );
    }
  });
});

test('filters narrow the results; every hit cites its source', { timeout: 120_000 }, async () => {
  await withRetrieval(async (retrieval) => {
    const documents = await retrieval.retriever.search('drainage of the footbridge deck', { k: 5, filter: { kinds: ['document'] } });
    assert.ok(documents.hits.length > 0);
    assert.ok(documents.hits.every((hit) => hit.kind === 'document'));
    assert.ok(documents.hits.every((hit) => hit.citation.source.startsWith(path.resolve('examples/meera-krishnan'))));
    const pdfHit = documents.hits.find((hit) => hit.citation.source.endsWith('.pdf'));
    if (pdfHit) assert.equal(typeof pdfHit.citation.page, 'number');

    const mine = await retrieval.retriever.search('borehole logs and soft clay', { k: 5, filter: { personaOnly: true } });
    assert.ok(mine.hits.every((hit) => hit.isPersona));
    const toms = await retrieval.retriever.search('borehole logs and soft clay', { k: 5, filter: { author: 'Tom Okafor' } });
    assert.ok(toms.hits.length > 0 && toms.hits.every((hit) => /tom/i.test(hit.author ?? '')));
    const dated = await retrieval.retriever.search('site visit', { k: 10, filter: { from: new Date('2025-03-05T00:00:00Z'), to: new Date('2025-03-31T23:59:59Z') } });
    assert.ok(dated.hits.every((hit) => hit.citation.date !== undefined && hit.citation.date >= '2025-03-05' && hit.citation.date <= '2025-03-31'));
  });
});

test('forgetting a source removes its vectors on the next embedding run', { timeout: 120_000 }, async () => {
  const source = listSources(store.database, 'meera').find((row) => row.path.endsWith('answers.interview.json'))!;
  forgetSource(store.database, source.id);
  await withRetrieval(async (retrieval) => {
    const result = await runEmbedding({ database: store.database, personaId: 'meera', chunks: retrieval.chunks, embedder: retrieval.embedder, collection: retrieval.collection });
    assert.equal(result.deleted, source.chunkCount);
    assert.equal(await retrieval.collection.count(), retrieval.chunks.length);
    const { hits } = await retrieval.retriever.search('rope bridge in a school textbook', { k: 5 });
    assert.ok(hits.every((hit) => !/rope bridge in a school textbook/.test(hit.text)));
  });
});

test('persona search: JSON with citations; a missing ONNX model names `persona models pull`; unknown persona', { timeout: 120_000 }, () => {
  const search = runPersona(home, ['search', 'monsoon drainage', '--persona', 'meera', '--k', '3', '--json']);
  assert.equal(search.status, 0, search.stderr);
  const result = JSON.parse(search.stdout) as { hits: { citation: { label: string } }[] };
  assert.equal(result.hits.length, 3);
  assert.ok(result.hits.every((hit) => hit.citation.label.length > 0));

  const missing = runPersona(home, ['search', 'monsoon', '--persona', 'meera'], { PERSONA_EMBEDDER: 'onnx:all-MiniLM-L6-v2', PERSONA_MODELS: path.join(home, 'no-models') });
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /persona models pull all-MiniLM-L6-v2/);

  const unknown = runPersona(home, ['search', 'monsoon', '--persona', 'nobody']);
  assert.equal(unknown.status, 1);
  assert.match(unknown.stderr, /Unknown persona "nobody"; known: meera/);
});
