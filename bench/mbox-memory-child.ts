/** The measured side of bench/mbox-memory.ts: ingests one mbox into a fresh store, sampling memory. */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/config.js';
import { ingest } from '../src/ingest/ingest-run.js';
import { openStore } from '../src/store/store.js';

const mbox = process.argv[2]!;
const size = statSync(mbox).size;
const home = mkdtempSync(path.join(os.tmpdir(), 'persona-bench-home-'));
const samples: { fraction: number; rss: number }[] = [];
let nextSample = 0;
const megabytes = (bytes: number): number => Math.round(bytes / 1024 / 1024);

try {
  using store = openStore(loadConfig({ environment: { PERSONA_HOME: home }, configFile: false }));
  const started = performance.now();
  const summary = await ingest({
    store,
    persona: 'meera',
    authors: ['meera@kaveri-bridgeworks.example'],
    inputs: [mbox],
    chunking: { targetTokens: 500, overlapTokens: 60 },
    limits: { maxFileBytes: 64 * 1024 ** 2, maxUnzippedBytes: 64 * 1024 ** 2 },
    stallTimeoutMs: 120_000,
    onProgress: (progress) => {
      const fraction = progress.bytesDone / size;
      if (fraction >= nextSample) {
        samples.push({ fraction, rss: process.memoryUsage.rss() });
        nextSample += 0.1;
      }
    },
  });
  const seconds = (performance.now() - started) / 1000;
  const peak = process.resourceUsage().maxRSS * 1024;
  console.log(`mbox memory, ${megabytes(size)} MB mbox, ${summary.added.email ?? 0} emails in ${seconds.toFixed(0)} s (${Math.round((summary.added.email ?? 0) / seconds)} messages/s with store writes):`);
  console.log(`  peak RSS: ${megabytes(peak)} MB`);
  console.log(`  RSS at 0%..100% of the file: ${samples.map((sample) => megabytes(sample.rss)).join(', ')} MB`);
} finally {
  rmSync(home, { recursive: true, force: true });
}
