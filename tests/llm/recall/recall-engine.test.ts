/**
 * The recall engine on the sample persona with the real retriever (BM25 + USE lite
 * embeddings in the embedded Chroma): it answers with Meera's own words, says it is
 * recalling, owns up when she never talked about something, and stops on abort.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { GenerateRequest } from '../../../src/llm/llm-engine.js';
import { createRecallEngine, NOTHING_TO_RECALL, RECALL_PREFACE, type RecallEngine } from '../../../src/llm/recall/recall-engine.js';
import { runEmbedding } from '../../../src/rag/embedding-job.js';
import type { SearchHit } from '../../../src/rag/hybrid-retriever.js';
import { openRetrieval, type Retrieval } from '../../../src/rag/open-retrieval.js';
import { openStore, type Store } from '../../../src/store/store.js';
import { ingestSamplePersona } from '../../helpers/sample-persona.js';
import { testConfig } from '../../helpers/test-config.js';

const home = mkdtempSync(path.join(os.tmpdir(), 'persona-recall-'));
const config = testConfig(home);
let store: Store;
let retrieval: Retrieval;

before(async () => {
  store = openStore(config);
  await ingestSamplePersona(store);
  const embedding = await openRetrieval(config, store, 'meera');
  try {
    await runEmbedding({ database: store.database, personaId: 'meera', chunks: embedding.chunks, embedder: embedding.embedder, collection: embedding.collection });
  } finally {
    await embedding.close();
  }
  // Opened again so the retriever knows every chunk has its vector (coverage is read at open).
  retrieval = await openRetrieval(config, store, 'meera');
});

after(async () => {
  await retrieval?.close();
  store?.close();
  rmSync(home, { recursive: true, force: true });
});

function ask(question: string, extra: Partial<GenerateRequest> = {}): GenerateRequest {
  return { messages: [{ role: 'system', content: 'You are Meera.' }, { role: 'user', content: question }], ...extra };
}

async function collect(engine: RecallEngine, request: GenerateRequest): Promise<string[]> {
  const texts: string[] = [];
  for await (const delta of engine.generate(request)) texts.push(delta.text);
  return texts;
}

test('answers with her own interview answer, verbatim, says it is recalling, and names its sources', { timeout: 120_000 }, async () => {
  const announced: (readonly SearchHit[])[] = [];
  let deltasBeforeSources = -1;
  let deltaCount = 0;
  const engine = createRecallEngine({
    search: retrieval.retriever.search,
    onSources: (sources) => {
      announced.push(sources);
      deltasBeforeSources = deltaCount;
    },
  });
  assert.equal(engine.id, 'recall');
  assert.deepEqual(engine.capabilities, { adapters: false, streaming: true, generative: false });

  const texts: string[] = [];
  for await (const delta of engine.generate(ask('What do you drink in the morning?'))) {
    assert.equal(delta.type, 'text-delta');
    texts.push(delta.text);
    deltaCount += 1;
  }
  const answer = texts.join('');
  assert.ok(answer.startsWith(RECALL_PREFACE), answer);
  assert.match(answer, /Recalling what I've said before — there is no language model running/);
  assert.match(answer, /Filter coffee made the slow way, every morning, even when I'm late\./);

  const [first] = engine.lastSources;
  assert.ok(first, 'the answer names its sources');
  assert.equal(first.kind, 'interview');
  assert.equal(first.isPersona, true);
  assert.ok(answer.includes(first.text), 'the interview answer appears verbatim');
  assert.equal(first.citation.subject, 'What is one tradition from your childhood you still keep?');
  assert.ok(engine.lastSources.length <= 2);
  assert.ok(engine.lastSources.every((source) => source.isPersona && answer.includes(source.text.trim())));
  // Streamed a sentence at a time, after the sources were announced.
  assert.ok(texts.length >= 4, `${texts.length} deltas`);
  assert.deepEqual(announced, [engine.lastSources]);
  assert.equal(deltasBeforeSources, 0);
});

test('goes on to her other writing when no interview answer relates', { timeout: 120_000 }, async () => {
  const engine = createRecallEngine({ search: retrieval.retriever.search });
  const answer = (await collect(engine, ask('What did the council say about the Beach Road connection?'))).join('');
  assert.ok(answer.startsWith(RECALL_PREFACE));
  assert.match(answer, /Council is OK with the Beach Road connection/);
  assert.ok(engine.lastSources.length > 0 && engine.lastSources.every((source) => source.isPersona && source.kind !== 'interview'));
});

test('something she never talked about: says so honestly instead of reciting the nearest passage', { timeout: 120_000 }, async () => {
  const engine = createRecallEngine({ search: retrieval.retriever.search });
  for (const question of ['Tell me about quantum chromodynamics', 'What is the capital of France?', 'How do you feel about cryptocurrency?']) {
    const answer = (await collect(engine, ask(question))).join('');
    assert.equal(answer, RECALL_PREFACE + NOTHING_TO_RECALL, question);
    assert.match(answer, /haven't talked about/);
    assert.deepEqual(engine.lastSources, []);
  }
});

test('only the last user message is the question', { timeout: 120_000 }, async () => {
  const engine = createRecallEngine({ search: retrieval.retriever.search });
  const answer = (
    await collect(engine, {
      messages: [
        { role: 'user', content: 'Tell me about quantum chromodynamics' },
        { role: 'assistant', content: 'Not my field.' },
        { role: 'user', content: 'Which qualities do you appreciate in colleagues?' },
      ],
    })
  ).join('');
  assert.match(answer, /Saying 'I don't know yet'/);
  await assert.rejects(collect(engine, { messages: [{ role: 'system', content: 'You are Meera.' }] }), /has none/);
});

test('abort: before, during the search and mid-answer, the stream ends quietly', { timeout: 120_000 }, async () => {
  const engine = createRecallEngine({ search: retrieval.retriever.search });
  assert.deepEqual(await collect(engine, ask('What do you drink in the morning?', { signal: AbortSignal.abort() })), []);

  const duringSearch = new AbortController();
  let searchSignal: AbortSignal | undefined;
  const abortingInSearch = createRecallEngine({
    search: (query, options) => {
      searchSignal = options.signal;
      duringSearch.abort();
      return retrieval.retriever.search(query, options);
    },
  });
  assert.deepEqual(await collect(abortingInSearch, ask('What do you drink in the morning?', { signal: duringSearch.signal })), []);
  assert.equal(searchSignal, duringSearch.signal, 'the signal reaches the retriever');

  const midAnswer = new AbortController();
  const texts: string[] = [];
  for await (const delta of engine.generate(ask('What do you drink in the morning?', { signal: midAnswer.signal }))) {
    texts.push(delta.text);
    if (texts.length === 2) midAnswer.abort();
  }
  assert.equal(texts.length, 2);
  assert.equal(texts[0], RECALL_PREFACE);
});
