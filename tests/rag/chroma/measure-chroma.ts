/**
 * Measures the embedded Chroma server: start time, resident memory, and top-5 query
 * latency over 10,000 vectors of 512 dimensions. Prints numbers, asserts nothing.
 *
 *   node --import tsx tests/rag/chroma/measure-chroma.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { startChromaServer } from '../../../src/rag/chroma/chroma-server.js';
import { createChromaVectorStore } from '../../../src/rag/chroma/chroma-vector-store.js';
import { residentMemoryMib } from './process-alive.js';
import { randomVectors } from './seeded-vectors.js';

const COUNT = 10_000;
const DIMENSIONS = 512;
const QUERIES = 100;

function percentile(sorted: readonly number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))] ?? Number.NaN;
}

function format(ms: number): string {
  return `${ms.toFixed(2)} ms`;
}

const dataFolder = mkdtempSync(path.join(os.tmpdir(), 'persona-chroma-measure-'));
try {
  const server = await startChromaServer({ dataFolder });
  const pid = server.pid ?? -1;
  console.log(`start (empty folder): ${format(server.startupMs)} to the first heartbeat; RSS ${(await residentMemoryMib(pid))?.toFixed(1)} MiB`);

  const store = createChromaVectorStore({ url: server.url });
  const collection = await store.collection('measure-10k-512', DIMENSIONS);
  const vectors = randomVectors(COUNT, DIMENSIONS, 2024);
  const insertStart = performance.now();
  await collection.upsert(vectors.map((vector, index) => ({ id: `v${index}`, vector, metadata: { bucket: index % 10 } })));
  const insertMs = performance.now() - insertStart;
  console.log(`upsert ${COUNT} x ${DIMENSIONS}: ${format(insertMs)} (${Math.round(COUNT / (insertMs / 1000))} vectors/s); RSS ${(await residentMemoryMib(pid))?.toFixed(1)} MiB`);

  const queries = randomVectors(QUERIES + 5, DIMENSIONS, 7);
  // A few warm-up queries: the first ones load the index segment.
  const firstQueryStart = performance.now();
  await collection.query(queries[0] ?? new Float32Array(DIMENSIONS), { k: 5 });
  console.log(`first query after the upsert: ${format(performance.now() - firstQueryStart)}`);
  for (const query of queries.slice(1, 5)) await collection.query(query, { k: 5 });

  for (const filtered of [false, true]) {
    const times: number[] = [];
    for (const query of queries.slice(5)) {
      const start = performance.now();
      await collection.query(query, { k: 5, ...(filtered ? { filter: { bucket: 3 } } : {}) });
      times.push(performance.now() - start);
    }
    times.sort((a, b) => a - b);
    console.log(
      `top-5 over ${COUNT} x ${DIMENSIONS}${filtered ? ' with an equality filter (1 in 10)' : ''}: median ${format(percentile(times, 0.5))}, p95 ${format(percentile(times, 0.95))} over ${QUERIES} queries`,
    );
  }
  console.log(`RSS after the queries: ${(await residentMemoryMib(pid))?.toFixed(1)} MiB`);
  await server.close();

  const restart = await startChromaServer({ dataFolder });
  const again = await createChromaVectorStore({ url: restart.url }).collection('measure-10k-512', DIMENSIONS);
  const reloadStart = performance.now();
  await again.query(queries[0] ?? new Float32Array(DIMENSIONS), { k: 5 });
  console.log(
    `start (10k vectors on disk): ${format(restart.startupMs)}; first query ${format(performance.now() - reloadStart)}; RSS ${(await residentMemoryMib(restart.pid ?? -1))?.toFixed(1)} MiB`,
  );
  await restart.close();
} finally {
  rmSync(dataFolder, { recursive: true, force: true });
}
