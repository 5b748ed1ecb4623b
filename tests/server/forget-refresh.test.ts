/**
 * Issue #13, "forgetting means forgetting": a running server (the real app on a port, real
 * engines: recall, PocketSphinx, flite, USE lite, embedded Chroma) kept answering from a
 * source after `persona forget` removed it, and saw new ingests and embeddings only after
 * a restart. Here the real `persona` command runs beside it in child processes, and each
 * change must be seen by the server's next request (the measured delay is reported).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { embedPersona } from '../../src/rag/embed-persona.js';
import { vectorId } from '../../src/rag/embedding-job.js';
import type { SearchResult } from '../../src/rag/hybrid-retriever.js';
import type { PocketsphinxEngine } from '../../src/stt/pocketsphinx/pocketsphinx-engine.js';
import type { PersonaServices } from '../../src/voice/persona-runtime.js';
import { runPersona } from '../helpers/run-persona.js';
import { samplePersonaFolder } from '../helpers/sample-persona.js';
import { makeTemporaryFolder } from '../helpers/temporary-folder-per-file.js';
import { startTalkServer, type TalkServer } from './talk-server.js';

const interviews = path.join(samplePersonaFolder, 'interviews');
/** A word only the interview answers use: nothing may speak it once they are forgotten. */
const marker = /davara/i;
const question = 'Filter coffee or tea?';

interface InteractAnswer {
  response_text: string;
  audio_url: string;
  sources: { source: string }[];
  turn_id: number;
}

/** Polls `check` until it holds; returns the milliseconds it took (the first try counts as 0). */
async function msUntil(check: () => Promise<boolean>, limitMs = 10_000): Promise<number> {
  const started = performance.now();
  for (;;) {
    if (await check()) return performance.now() - started;
    if (performance.now() - started > limitMs) throw new Error(`not seen within ${limitMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('a running server follows forget, ingest and embed', () => {
  const home = makeTemporaryFolder('forget-refresh');
  let server: TalkServer;
  let services: PersonaServices;
  const delays: Record<string, number> = {};

  before(async () => {
    server = await startTalkServer(home);
    await embedPersona(server.config, server.store, 'meera');
    services = await server.runtime.forPersona('meera');
  });
  after(async () => {
    await server?.close();
  });

  const interact = async (text: string): Promise<InteractAnswer> => {
    const response = await fetch(`${server.httpUrl}/v1/interact`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${server.key}` },
      body: JSON.stringify({ text, persona: 'meera' }),
    });
    assert.equal(response.status, 200, await response.clone().text());
    return (await response.json()) as InteractAnswer;
  };
  const search = (query: string): Promise<SearchResult> => services.retrieval.retriever.search(query, { k: 5 });
  const fromInterviews = (result: SearchResult): boolean => result.hits.some((hit) => hit.citation.source.startsWith(interviews + path.sep));

  test('after `persona forget`, the server answered from the forgotten source until restarted; its vectors, speech models and cached audio stayed', { timeout: 600_000 }, async (context) => {
    const before = await interact(question);
    assert.match(before.response_text, marker, 'the interview answer is spoken before the forget');
    assert.ok(before.sources.some((source) => source.source.startsWith('interviews/')), JSON.stringify(before.sources));
    const audioBefore = await fetch(`${server.httpUrl}${before.audio_url}`, { headers: { authorization: `Bearer ${server.key}` } });
    assert.equal(audioBefore.status, 200);
    await audioBefore.arrayBuffer();

    const beforeSearch = await search(question);
    assert.ok(fromInterviews(beforeSearch));
    assert.ok(beforeSearch.hits.some((hit) => hit.denseRank !== undefined && hit.citation.source.startsWith(interviews)), 'dense search finds the interviews too');
    const forgottenIds = services.retrieval.chunks.filter((chunk) => chunk.source.startsWith(interviews + path.sep)).map((chunk) => chunk.id);
    assert.ok(forgottenIds.length > 0);
    assert.equal((await services.retrieval.collection.existingIds(forgottenIds.map(vectorId))).size, forgottenIds.length);

    // The speech-recognition bias is built from the persona's text, interview questions included.
    const engine = server.runtime.stt as PocketsphinxEngine;
    assert.ok(services.bias.phrases.includes(question));
    const biased = await engine.biasedModel(services.bias);
    assert.ok(existsSync(biased.languageModelFile));

    const forget = runPersona(home, ['forget', interviews]);
    assert.equal(forget.status, 0, forget.stderr);
    assert.match(forget.stdout, /forgot .*more\.interview\.csv/);
    assert.match(forget.stdout, new RegExp(`removed ${forgottenIds.length} vectors of persona meera`));

    delays.forget = await msUntil(async () => !fromInterviews(await search(question)));
    // Lexical and dense alike: nothing from the interviews, for several questions.
    for (const query of [question, 'How do you explain your job to a child?', 'What would you do with a year off?', 'davara steel tumbler']) {
      const result = await search(query);
      assert.ok(!fromInterviews(result), `${query}: ${result.hits.map((hit) => hit.citation.label).join('; ')}`);
      for (const hit of result.hits) assert.doesNotMatch(hit.text, marker);
    }
    assert.equal((await services.retrieval.collection.existingIds(forgottenIds.map(vectorId))).size, 0, 'the vectors are gone from Chroma');

    const after = await interact(question);
    assert.doesNotMatch(after.response_text, marker);
    assert.ok(!after.sources.some((source) => source.source.includes('interview')), JSON.stringify(after.sources));
    // Nor is the remembered answer that quoted them (earlier conversations go into later prompts).
    // (Not by id: SQLite gives a deleted last row's id to the next turn.)
    assert.equal((server.store.database.prepare("SELECT count(*) AS n FROM conversation_turns WHERE sources LIKE '%/interviews/%'").get() as { n: number }).n, 0);
    assert.equal(
      (server.store.database.prepare("SELECT count(*) AS n FROM conversation_turns WHERE text LIKE '%davara%'").get() as { n: number }).n,
      0,
    );
    // The earlier answer's audio quoted the interviews: it is never played again.
    const audioAfter = await fetch(`${server.httpUrl}${before.audio_url}`, { headers: { authorization: `Bearer ${server.key}` } });
    assert.equal(audioAfter.status, 404);
    await audioAfter.arrayBuffer();

    // The bias follows the store, and the models built from the old text are deleted.
    assert.ok(!services.bias.phrases.includes(question));
    assert.ok(!services.bias.phrases.some((phrase) => marker.test(phrase)));
    assert.ok(!existsSync(biased.languageModelFile), 'the biased model built from the forgotten text is deleted');
    assert.ok(!existsSync(biased.dictionaryFile));
    context.diagnostic(`forget seen by the server after ${delays.forget!.toFixed(1)} ms`);
  });

  test('a running server did not see `persona ingest` or `persona embed` until restarted', { timeout: 600_000 }, async (context) => {
    const folder = path.join(home, 'new-notes');
    mkdirSync(folder, { recursive: true });
    const note = path.join(folder, 'kingfisher-notes.txt');
    writeFileSync(note, 'A pair of kingfishers has nested under the east abutment of the Adyar footbridge. The maintenance crew must not pressure-wash that wall until the chicks have fledged.\n');
    const query = 'Where did the kingfishers nest?';
    assert.ok(!(await search(query)).hits.some((hit) => hit.citation.source === note));

    const ingest = runPersona(home, ['ingest', note, '--persona', 'meera', '--author', 'Meera Krishnan', '--no-embed']);
    assert.equal(ingest.status, 0, ingest.stderr);
    delays.ingest = await msUntil(async () => (await search(query)).hits.some((hit) => hit.citation.source === note));
    const lexicalOnly = await search(query);
    const fresh = lexicalOnly.hits.find((hit) => hit.citation.source === note)!;
    assert.ok(fresh.lexicalRank !== undefined);
    assert.equal(fresh.denseRank, undefined, 'not embedded yet: BM25 alone finds it');
    assert.ok(lexicalOnly.denseCoverage < 1);

    const embed = runPersona(home, ['embed', '--persona', 'meera']);
    assert.equal(embed.status, 0, embed.stderr);
    assert.match(embed.stdout, /Embedded 1 chunks/);
    delays.embed = await msUntil(async () => (await search(query)).hits.some((hit) => hit.citation.source === note && hit.denseRank !== undefined));
    assert.equal((await search(query)).denseCoverage, 1);

    const answer = await interact(query);
    assert.match(answer.response_text, /kingfisher/i);
    context.diagnostic(`ingest seen after ${delays.ingest!.toFixed(1)} ms, embed seen after ${delays.embed!.toFixed(1)} ms`);
    for (const [change, ms] of Object.entries(delays)) assert.ok(ms < 2000, `${change} seen within 2 s (took ${ms} ms)`);
  });
});
