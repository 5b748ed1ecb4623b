/**
 * One embedding run for a persona, recorded as a job (so `persona embed` can show a run
 * going in another process): new and changed chunks are embedded, vectors of forgotten
 * sources removed. `persona embed`, `persona demo` and background embedding run this.
 */
import type { Config } from '../config.js';
import { describeError } from '../errors.js';
import { finishJob, startJob, updateJobProgress } from '../store/job-repository.js';
import type { Store } from '../store/store.js';
import { runEmbedding, type EmbeddingProgress, type EmbeddingRunResult } from './embedding-job.js';
import { openRetrieval } from './open-retrieval.js';

export function embeddingJobId(persona: string, embedderId: string): string {
  return `embed:${persona}:${embedderId}`;
}

export async function embedPersona(
  config: Config,
  store: Store,
  persona: string,
  options: { signal?: AbortSignal; onProgress?: (progress: EmbeddingProgress, embedderId: string) => void } = {},
): Promise<EmbeddingRunResult & { embedder: string }> {
  await using retrieval = await openRetrieval(config, store, persona);
  const jobId = embeddingJobId(persona, config.retrieval.embedder);
  startJob(store.database, jobId, 'embed');
  let lastRecorded = 0;
  try {
    const result = await runEmbedding({
      database: store.database,
      personaId: persona,
      chunks: retrieval.chunks,
      embedder: retrieval.embedder,
      collection: retrieval.collection,
      signal: options.signal,
      onProgress: (progress) => {
        options.onProgress?.(progress, retrieval.embedder.id);
        if (Date.now() - lastRecorded > 1000 || progress.done === progress.total) {
          lastRecorded = Date.now();
          updateJobProgress(store.database, jobId, { ...progress });
        }
      },
    });
    finishJob(store.database, jobId, { status: 'done', result });
    return { ...result, embedder: retrieval.embedder.id };
  } catch (error) {
    finishJob(store.database, jobId, { status: options.signal?.aborted ? 'cancelled' : 'failed', error: describeError(error) });
    throw error;
  }
}
