import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildBm25Index } from '../../src/rag/bm25-index.js';
import type { CatalogChunk } from '../../src/rag/chunk-catalog.js';
import { maximalMarginalRelevance } from '../../src/rag/maximal-marginal-relevance.js';
import { reciprocalRankFusion } from '../../src/rag/reciprocal-rank-fusion.js';
import { createTopK } from '../../src/rag/top-k.js';
import { splitIntoWindows } from '../../src/rag/embed-long-texts.js';
import { matchesFilter } from '../../src/rag/search-filter.js';

function chunk(id: number, text: string, extra: Partial<CatalogChunk> = {}): CatalogChunk {
  return { id, itemId: id, text, kind: 'email', isPersona: true, source: `/corpus/${id}.eml`, ...extra };
}

const chunks = [
  chunk(1, 'The scupper spacing keeps rainwater off the deck during the monsoon.', { sentAtSeconds: Date.parse('2025-03-01') / 1000, authorAddress: 'meera@kaveri-bridgeworks.example' }),
  chunk(2, 'My niece learned to ride her bicycle along the beach road.', { kind: 'chat', sentAtSeconds: Date.parse('2025-05-01') / 1000 }),
  chunk(3, 'Borehole logs show soft clay down to six metres at the east abutment.', { kind: 'document', isPersona: false, authorName: 'Tom Okafor' }),
  chunk(4, 'Filter coffee after the site visit? The monsoon drains can wait an hour.', { sentAtSeconds: Date.parse('2025-06-01') / 1000 }),
];

test('BM25 ranks the passage with the query words first, ignoring stop words, with filters', () => {
  const index = buildBm25Index(chunks);
  assert.equal(index.search('the clay at the abutment', { limit: 3 })[0]?.chunkId, 3);
  assert.deepEqual(index.search('monsoon', { limit: 5 }).map((match) => match.chunkId).sort(), [1, 4]);
  assert.deepEqual(index.search('monsoon', { limit: 5, filter: { to: new Date('2025-04-01') } }).map((match) => match.chunkId), [1]);
  assert.deepEqual(index.search('clay bicycle', { limit: 5, filter: { personaOnly: true } }).map((match) => match.chunkId), [2]);
  assert.deepEqual(index.search('the and of', { limit: 5 }), []);
});

test('filters: kinds, date range, author by address or part of a name, persona only', () => {
  const [first, second, third] = chunks;
  assert.ok(matchesFilter(first!, { kinds: ['email'], author: 'MEERA@kaveri-bridgeworks.example' }));
  assert.ok(!matchesFilter(second!, { kinds: ['email', 'document'] }));
  assert.ok(matchesFilter(third!, { author: 'okafor' }));
  assert.ok(!matchesFilter(third!, { from: new Date('2020-01-01') }), 'undated items fall outside any range');
  assert.ok(!matchesFilter(third!, { personaOnly: true }));
});

test('reciprocal rank fusion rewards agreement between lists', () => {
  const fused = reciprocalRankFusion([
    [1, 2, 3],
    [3, 1, 4],
  ]);
  assert.deepEqual(fused.map((result) => result.id), [1, 3, 2, 4]);
  assert.deepEqual(fused[1]!.ranks, [3, 1]);
  assert.deepEqual(fused[3]!.ranks, [undefined, 3]);
});

test('MMR keeps one of several near-identical passages', () => {
  const repeated = 'The drainage detail for the east abutment uses two rows of weep holes and a gravel filter.';
  const candidates = [
    { id: 1, relevance: 1.0, text: repeated },
    { id: 2, relevance: 0.99, text: `${repeated} Thanks.` },
    { id: 3, relevance: 0.98, text: `Re: ${repeated}` },
    { id: 4, relevance: 0.7, text: 'Bearings can be replaced after the monsoon season ends.' },
  ];
  assert.deepEqual(maximalMarginalRelevance(candidates, 2).map((candidate) => candidate.id), [1, 4]);
  assert.equal(maximalMarginalRelevance(candidates, 10).length, 4);
});

test('top-k keeps the k best, best first, ties in offer order', () => {
  const best = createTopK<string>(3);
  const offers: [string, number][] = [['a', 1], ['b', 5], ['c', 3], ['d', 5], ['e', 0.5], ['f', 4]];
  for (const [item, score] of offers) if (best.wouldAccept(score)) best.offer(item, score);
  assert.deepEqual(best.sorted().map(({ item }) => item), ['b', 'd', 'f']);
  assert.ok(!best.wouldAccept(4));
  assert.deepEqual(createTopK<string>(0).sorted(), []);
});

test('BM25 scores match the textbook formula', () => {
  const corpus = [chunk(1, 'drain drain deck'), chunk(2, 'deck rail'), chunk(3, 'rail post post post')];
  const [match] = buildBm25Index(corpus).search('drain', { limit: 1 });
  const averageLength = (3 + 2 + 4) / 3;
  const inverseFrequency = Math.log(1 + (3 - 1 + 0.5) / (1 + 0.5));
  const expected = (inverseFrequency * 2 * 2.2) / (2 + 1.2 * (0.25 + (0.75 * 3) / averageLength));
  assert.equal(match?.chunkId, 1);
  assert.ok(Math.abs(match!.score - expected) < 1e-9);
});

test('long texts are cut into word windows, a short tail joins the last window', () => {
  const words = (count: number): string => Array.from({ length: count }, (_, index) => `w${index}`).join(' ');
  assert.deepEqual(splitIntoWindows(words(10), 89), [words(10)]);
  assert.equal(splitIntoWindows(words(200), 89).length, 2, '89 + 89 + 22: the tail of 22 is folded in');
  assert.equal(splitIntoWindows(words(250), 89).length, 3);
  assert.equal(splitIntoWindows(words(250), 89).join(' '), words(250));
});
