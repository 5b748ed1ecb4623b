/**
 * After `persona forget`: deletes the persona's vectors whose chunks are gone, from the
 * configured embedder's collection, at once rather than at the next `persona embed`.
 * Other embedders' collections are cleaned by their next embedding run; until then no
 * search uses those vectors (dense matches outside the live catalog are dropped).
 */
import type { Config } from '../config.js';
import type { Store } from '../store/store.js';
import { removeStaleVectors } from './embedding-job.js';
import { openRetrieval } from './open-retrieval.js';

export async function removeForgottenVectors(config: Config, store: Store, personaId: string): Promise<number> {
  // Nothing was embedded from what went: no need to load the embedder or reach Chroma.
  const stale = store.database
    .prepare(
      `SELECT 1 FROM embedded_chunks WHERE persona_id = ? AND embedder_id = ?
         AND NOT EXISTS (SELECT 1 FROM chunks WHERE chunks.id = embedded_chunks.chunk_id AND chunks.persona_id = embedded_chunks.persona_id) LIMIT 1`,
    )
    .get(personaId, config.retrieval.embedder);
  if (!stale) return 0;
  await using retrieval = await openRetrieval(config, store, personaId);
  // Awaited here, not returned: `await using` would close the store before the deletion ran.
  return await removeStaleVectors({
    database: store.database,
    personaId,
    chunks: retrieval.chunks,
    collection: retrieval.collection,
    embedderId: retrieval.embedder.id,
  });
}
