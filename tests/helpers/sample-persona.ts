/** The sample persona (examples/meera-krishnan) ingested into a store, as many tests need it. */
import path from 'node:path';
import { ingest } from '../../src/ingest/ingest-run.js';
import type { IngestSummary } from '../../src/ingest/ingest-summary.js';
import type { Store } from '../../src/store/store.js';

export const samplePersonaFolder = path.resolve('examples/meera-krishnan');
export const samplePersonaAuthors = ['meera@kaveri-bridgeworks.example', 'Meera Krishnan'];

export function ingestSamplePersona(store: Store): Promise<IngestSummary> {
  return ingestAsSamplePersona(store, [samplePersonaFolder]);
}

/** Files or folders ingested as the sample persona, with her authors and the tests' usual limits. */
export function ingestAsSamplePersona(store: Store, inputs: readonly string[]): Promise<IngestSummary> {
  return ingest({
    store,
    persona: 'meera',
    authors: samplePersonaAuthors,
    inputs,
    chunking: { targetTokens: 500, overlapTokens: 60 },
    limits: { maxFileBytes: 50 * 1024 ** 2, maxUnzippedBytes: 50 * 1024 ** 2 },
    stallTimeoutMs: 60_000,
  });
}
