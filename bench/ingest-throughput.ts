/**
 * Ingest throughput: messages per second for parse + clean + chunk, on one core, over a
 * generated corpus of 10,000 emails in an mbox; then the same with store writes.
 * Run: node --import tsx bench/ingest-throughput.ts [messages]
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/config.js';
import { chunkText } from '../src/ingest/chunker.js';
import { ingest } from '../src/ingest/ingest-run.js';
import { createPersonaIdentity } from '../src/ingest/persona-identity.js';
import { prepareEmail } from '../src/ingest/prepare-item.js';
import { isRetrievable } from '../src/ingest/prepared-item.js';
import { createMboxReader } from '../src/ingest/readers/mbox-reader.js';
import { openStore } from '../src/store/store.js';
import { mboxEntry, syntheticEmail } from './synthetic-mail.js';

const messageCount = Number(process.argv[2] ?? 10_000);
const rounds = 3;
const folder = mkdtempSync(path.join(os.tmpdir(), 'persona-bench-'));
const mbox = path.join(folder, 'corpus.mbox');
writeFileSync(mbox, Array.from({ length: messageCount }, (_, index) => mboxEntry(syntheticEmail(index))).join(''));
const limits = { maxFileBytes: 64 * 1024 ** 2, maxUnzippedBytes: 64 * 1024 ** 2 };
const chunking = { targetTokens: 500, overlapTokens: 60 };
const identity = createPersonaIdentity(['meera@kaveri-bridgeworks.example', 'Meera Krishnan']);

async function parseCleanChunk(): Promise<{ messages: number; chunks: number; seconds: number }> {
  const started = performance.now();
  let messages = 0;
  let chunks = 0;
  for await (const record of createMboxReader().read(mbox, { limits })) {
    if (record.kind !== 'email') continue;
    const item = prepareEmail(record, identity);
    for (const passage of item.passages) if (isRetrievable(passage)) chunks += chunkText(passage.text, chunking).length;
    messages += 1;
  }
  return { messages, chunks, seconds: (performance.now() - started) / 1000 };
}

async function fullIngest(round: number): Promise<{ messages: number; seconds: number }> {
  const home = path.join(folder, `home-${round}`);
  const config = loadConfig({ environment: { PERSONA_HOME: home }, configFile: false });
  using store = openStore(config);
  const started = performance.now();
  const summary = await ingest({ store, persona: 'meera', authors: ['meera@kaveri-bridgeworks.example'], inputs: [mbox], chunking, limits, stallTimeoutMs: 60_000 });
  return { messages: summary.added.email ?? 0, seconds: (performance.now() - started) / 1000 };
}

function median(values: number[]): number {
  const sorted = [...values].sort((left, right) => left - right);
  return sorted[Math.floor(sorted.length / 2)]!;
}

try {
  const parseRates: number[] = [];
  let chunks = 0;
  for (let round = 0; round < rounds; round += 1) {
    const result = await parseCleanChunk();
    parseRates.push(result.messages / result.seconds);
    chunks = result.chunks;
  }
  const ingestRates: number[] = [];
  for (let round = 0; round < rounds; round += 1) {
    const result = await fullIngest(round);
    ingestRates.push(result.messages / result.seconds);
  }
  console.log(`ingest throughput, ${messageCount} generated emails (${chunks} chunks), median of ${rounds}:`);
  console.log(`  parse + clean + chunk:          ${Math.round(median(parseRates))} messages/s  (runs: ${parseRates.map(Math.round).join(', ')})`);
  console.log(`  full ingest into the store:     ${Math.round(median(ingestRates))} messages/s  (runs: ${ingestRates.map(Math.round).join(', ')})`);
} finally {
  rmSync(folder, { recursive: true, force: true });
}
