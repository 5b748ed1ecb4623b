/** The fictional sample persona shipped in `examples/meera-krishnan`, ingested as `persona ingest` would: the demo and the benches use it. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config } from '../config.js';
import { ingest } from '../ingest/ingest-run.js';
import type { IngestProgress, IngestSummary } from '../ingest/ingest-summary.js';
import type { Store } from '../store/store.js';

export const samplePersona = {
  id: 'meera',
  folder: fileURLToPath(new URL('../../examples/meera-krishnan', import.meta.url)),
  authors: ['meera@kaveri-bridgeworks.example', 'Meera Krishnan'],
} as const;

export function ingestSamplePersona(store: Store, config: Config, onProgress?: (progress: IngestProgress) => void): Promise<IngestSummary> {
  return ingest({
    store,
    persona: samplePersona.id,
    authors: [...samplePersona.authors],
    inputs: [path.resolve(samplePersona.folder)],
    chunking: { targetTokens: config.ingest.chunkTokens, overlapTokens: config.ingest.chunkOverlapTokens },
    limits: { maxFileBytes: config.ingest.maxFileBytes, maxUnzippedBytes: config.ingest.maxUnzippedBytes },
    stallTimeoutMs: config.ingest.parseTimeoutMs,
    onProgress,
  });
}
