/**
 * Search latency over 100,000 chunks: BM25 alone, dense alone, and hybrid top-5 (the
 * target is p95 ≤ 25 ms on 2 cores), with index build time and memory.
 *
 * The dense side runs on the real embedded Chroma server, but with random unit vectors:
 * embedding 100,000 passages with USE lite takes about an hour here. Query embedding time
 * is measured on its own with the real embedder and reported beside the search figures.
 * Run: node --import tsx bench/search-latency.ts [chunks]
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildBm25Index } from '../src/rag/bm25-index.js';
import { openVectorStore } from '../src/rag/chroma/open-vector-store.js';
import type { CatalogChunk } from '../src/rag/chunk-catalog.js';
import type { Embedder } from '../src/rag/embedder.js';
import { vectorId } from '../src/rag/embedding-job.js';
import { createHybridRetriever } from '../src/rag/hybrid-retriever.js';
import { createUseLiteEmbedder } from '../src/rag/use-lite/use-lite-embedder.js';
import { syntheticPassage } from './synthetic-mail.js';

const chunkCount = Number(process.argv[2] ?? 100_000);
const dimensions = 512;
const queries = ['monsoon runoff at the east abutment', 'handrail detail for the fabricator', 'site visit on Thursday', 'bearing replacement schedule', 'vibration modes of the deck'];

function randomUnitVector(seed: number): Float32Array {
  let state = seed >>> 0 || 1;
  const vector = new Float32Array(dimensions);
  let norm = 0;
  for (let index = 0; index < dimensions; index += 1) {
    state = (state * 1664525 + 1013904223) >>> 0;
    vector[index] = state / 2 ** 32 - 0.5;
    norm += vector[index]! ** 2;
  }
  for (let index = 0; index < dimensions; index += 1) vector[index]! /= Math.sqrt(norm);
  return vector;
}

/** Stands in for the embedder inside the timed loop only; see the header. */
const randomQueryEmbedder: Embedder = {
  id: 'random-512',
  dimensions,
  maxTokens: 128,
  embed: async (texts) => texts.map((_, index) => randomUnitVector(Date.now() + index)),
  close: async () => {},
};

function percentile(values: number[], fraction: number): number {
  const sorted = [...values].sort((left, right) => left - right);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))]!;
}

function rssOf(pid: number | undefined): number {
  if (!pid) return 0;
  const match = readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+) kB/);
  return match ? Number(match[1]) * 1024 : 0;
}

const megabytes = (bytes: number): string => `${Math.round(bytes / 1024 / 1024)} MB`;
const folder = mkdtempSync(path.join(os.tmpdir(), 'persona-search-bench-'));
const store = await openVectorStore({ dataFolder: folder });
try {
  const chunks: CatalogChunk[] = Array.from({ length: chunkCount }, (_, index) => ({
    id: index + 1,
    itemId: index + 1,
    text: syntheticPassage(index),
    kind: index % 4 === 0 ? 'document' : 'email',
    isPersona: index % 3 === 0,
    sentAtSeconds: 1_700_000_000 + index * 60,
    source: `/corpus/${index}.eml`,
  }));
  const rssBefore = process.memoryUsage.rss();
  let started = performance.now();
  const lexical = buildBm25Index(chunks);
  const bm25BuildSeconds = (performance.now() - started) / 1000;
  const bm25Memory = process.memoryUsage.rss() - rssBefore;

  const collection = await store.collection('bench-search', dimensions);
  started = performance.now();
  const batch = 5000;
  for (let start = 0; start < chunkCount; start += batch) {
    await collection.upsert(
      chunks.slice(start, start + batch).map((chunk) => ({ id: vectorId(chunk.id), vector: randomUnitVector(chunk.id), metadata: { kind: chunk.kind, isPersona: chunk.isPersona } })),
    );
  }
  const denseBuildSeconds = (performance.now() - started) / 1000;

  const retriever = createHybridRetriever({ chunks, lexical, dense: { embedder: randomQueryEmbedder, collection, coverage: 1 } });
  const lexicalOnly = createHybridRetriever({ chunks, lexical });
  const timings = { hybrid: [] as number[], bm25: [] as number[], dense: [] as number[], filtered: [] as number[] };
  for (let round = 0; round < 220; round += 1) {
    const query = queries[round % queries.length]!;
    const measure = async (list: number[], run: () => Promise<unknown>): Promise<void> => {
      const begin = performance.now();
      await run();
      if (round >= 20) list.push(performance.now() - begin); // the first 20 warm caches up
    };
    await measure(timings.hybrid, () => retriever.search(query, { k: 5 }));
    await measure(timings.bm25, () => lexicalOnly.search(query, { k: 5 }));
    await measure(timings.dense, () => collection.query(randomUnitVector(round), { k: 30 }));
    await measure(timings.filtered, () => retriever.search(query, { k: 5, filter: { kinds: ['document'], personaOnly: true } }));
  }

  const embedder = await createUseLiteEmbedder();
  const embedTimes: number[] = [];
  const endToEnd: number[] = [];
  const withRealEmbedder = createHybridRetriever({ chunks, lexical, dense: { embedder, collection, coverage: 1 } });
  for (let round = 0; round < 120; round += 1) {
    const query = `${queries[round % queries.length]!} ${round}`;
    let begin = performance.now();
    await embedder.embed([query], { purpose: 'query' });
    if (round >= 20) embedTimes.push(performance.now() - begin);
    begin = performance.now();
    await withRealEmbedder.search(`${query} again`, { k: 5 });
    if (round >= 20) endToEnd.push(performance.now() - begin);
  }
  await embedder.close();

  const line = (name: string, values: number[]): string => `  ${name.padEnd(34)} p50 ${percentile(values, 0.5).toFixed(1)} ms, p95 ${percentile(values, 0.95).toFixed(1)} ms`;
  console.log(`search latency over ${chunkCount.toLocaleString('en')} chunks (200 queries each, after 20 warm-up):`);
  console.log(line('hybrid top-5 (BM25 + dense + MMR)', timings.hybrid));
  console.log(line('hybrid top-5, filtered', timings.filtered));
  console.log(line('BM25 top-5 alone', timings.bm25));
  console.log(line('dense top-30 alone (Chroma)', timings.dense));
  console.log(line('query embedding, USE lite', embedTimes));
  console.log(line('hybrid top-5 with that embedding', endToEnd));
  console.log(`  BM25 index build: ${bm25BuildSeconds.toFixed(1)} s, +${megabytes(bm25Memory)} RSS (texts included)`);
  console.log(`  Chroma upsert of ${chunkCount.toLocaleString('en')} × ${dimensions}: ${denseBuildSeconds.toFixed(1)} s; server RSS ${megabytes(rssOf(store.server?.pid))}`);
  console.log(`  this process RSS: ${megabytes(process.memoryUsage.rss())}`);
} finally {
  await store.close();
  rmSync(folder, { recursive: true, force: true });
}
