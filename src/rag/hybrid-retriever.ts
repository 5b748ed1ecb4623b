/**
 * Hybrid retrieval: BM25 and dense results fused by reciprocal rank, then diversified by
 * MMR. Dense search joins in as soon as any vectors exist and covers more as the
 * embedding job goes on; until then BM25 answers alone.
 */
import type { Bm25Index } from './bm25-index.js';
import type { CatalogChunk } from './chunk-catalog.js';
import { citationFor, type Citation } from './citation.js';
import type { Embedder } from './embedder.js';
import { chunkIdOf } from './embedding-job.js';
import { maskThirdParties } from '../privacy/mask-third-parties.js';
import { maximalMarginalRelevance } from './maximal-marginal-relevance.js';
import { reciprocalRankFusion } from './reciprocal-rank-fusion.js';
import { matchesFilter, type SearchFilter } from './search-filter.js';
import type { VectorCollection, VectorFilter, VectorMatch } from './vector-store.js';

export interface SearchHit {
  chunkId: number;
  text: string;
  /** The fused score (higher is better); comparable only within one search. */
  score: number;
  lexicalRank?: number;
  denseRank?: number;
  /** Cosine similarity to the query, when dense search found it. */
  similarity?: number;
  isPersona: boolean;
  author?: string;
  kind: string;
  citation: Citation;
}

export interface SearchResult {
  hits: SearchHit[];
  /** Share of the chunks with vectors: below 1, dense search saw only part of the corpus. */
  denseCoverage: number;
}

export interface SearchOptions {
  k?: number;
  filter?: SearchFilter;
  signal?: AbortSignal;
}

export interface HybridRetrieverParts {
  chunks: readonly CatalogChunk[];
  lexical: Bm25Index;
  /**
   * `embeddedIds`: the chunks whose vector is current. A vector outside it (a forgotten
   * chunk not yet deleted from Chroma, a changed text not yet re-embedded) is never used.
   */
  dense?: { embedder: Embedder; collection: VectorCollection; coverage: number; embeddedIds?: ReadonlySet<number> };
  /** How many candidates each side contributes before fusion. */
  candidates?: number;
  /**
   * The persona's own details (identities, `privacy.ownDetails`), left as written. Every
   * other phone, address, ID, card and bank number in a hit is masked here, the one place
   * every engine, route and batch output takes retrieved text from.
   */
  ownDetails?: readonly string[];
}

export interface HybridRetriever {
  search(query: string, options?: SearchOptions): Promise<SearchResult>;
}

export function createHybridRetriever(parts: HybridRetrieverParts): HybridRetriever {
  const byId = new Map(parts.chunks.map((chunk) => [chunk.id, chunk]));
  const candidates = parts.candidates ?? 30;
  const keep = parts.ownDetails ?? [];
  const mask = (text: string): string => maskThirdParties(text, { keep });

  async function denseMatches(query: string, options: SearchOptions): Promise<{ ids: number[]; similarity: Map<number, number> }> {
    const similarity = new Map<number, number>();
    if (!parts.dense || parts.dense.coverage === 0) return { ids: [], similarity };
    const { embedder, collection } = parts.dense;
    const [vector] = await embedder.embed([query], { signal: options.signal, purpose: 'query' });
    const keep = (matches: VectorMatch[]): number[] => {
      const ids: number[] = [];
      for (const match of matches) {
        const chunk = byId.get(chunkIdOf(match.id));
        if (!chunk || !matchesFilter(chunk, options.filter)) continue;
        if (parts.dense?.embeddedIds && !parts.dense.embeddedIds.has(chunk.id)) continue;
        ids.push(chunk.id);
        similarity.set(chunk.id, match.score);
      }
      return ids;
    };
    // A filtered HNSW query in Chroma is ~10x slower than a plain one, so first over-fetch
    // unfiltered and filter here (the author filter can only be applied here anyway:
    // names never go into the index); only a filter so selective that fewer than k
    // survive needs Chroma's own.
    let ids = keep(await collection.query(vector!, { k: options.filter ? candidates * 4 : candidates, signal: options.signal }));
    const vectorFilter = toVectorFilter(options.filter);
    if (ids.length < (options.k ?? 5) && vectorFilter) {
      ids = keep(await collection.query(vector!, { k: options.filter?.author ? candidates * 4 : candidates, filter: vectorFilter, signal: options.signal }));
    }
    return { ids: ids.slice(0, candidates), similarity };
  }

  return {
    async search(query, options = {}) {
      const k = options.k ?? 5;
      const densePromise = denseMatches(query, options);
      const lexicalIds = parts.lexical.search(query, { limit: candidates, filter: options.filter }).map((match) => match.chunkId);
      const dense = await densePromise;
      const fused = reciprocalRankFusion([lexicalIds, dense.ids]);
      const diverse = maximalMarginalRelevance(
        fused.map((result) => ({ ...result, relevance: result.score, text: byId.get(result.id)!.text })),
        k,
      );
      const hits = diverse.map((result): SearchHit => {
        const chunk = byId.get(result.id)!;
        const citation = citationFor(chunk);
        return {
          chunkId: chunk.id,
          text: mask(chunk.text),
          score: result.score,
          lexicalRank: result.ranks[0],
          denseRank: result.ranks[1],
          similarity: dense.similarity.get(chunk.id),
          isPersona: chunk.isPersona,
          author: chunk.authorName ?? chunk.authorAddress,
          kind: chunk.kind,
          // A subject line can carry a number too ("Re: call Anil on 98400 12345").
          citation: { ...citation, label: mask(citation.label) },
        };
      });
      return { hits, denseCoverage: parts.dense?.coverage ?? 0 };
    },
  };
}

function toVectorFilter(filter: SearchFilter | undefined): VectorFilter | undefined {
  if (!filter) return undefined;
  const vectorFilter: VectorFilter = {};
  if (filter.kinds?.length) vectorFilter.kind = { in: [...filter.kinds] };
  if (filter.personaOnly) vectorFilter.isPersona = true;
  if (filter.from || filter.to) {
    vectorFilter.sentAt = {
      ...(filter.from ? { gte: Math.floor(filter.from.getTime() / 1000) } : {}),
      ...(filter.to ? { lte: Math.floor(filter.to.getTime() / 1000) } : {}),
    };
  }
  return Object.keys(vectorFilter).length > 0 ? vectorFilter : undefined;
}
