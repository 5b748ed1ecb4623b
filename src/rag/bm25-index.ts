/**
 * Lexical search (BM25, through MiniSearch) over a persona's chunks, held in memory:
 * it answers from the first second, before any vector exists.
 */
import MiniSearch from 'minisearch';
import type { CatalogChunk } from './chunk-catalog.js';
import { matchesFilter, type SearchFilter } from './search-filter.js';
import { englishStopWords } from './stop-words.js';

export interface LexicalMatch {
  chunkId: number;
  score: number;
}

export interface Bm25Index {
  search(query: string, options: { limit: number; filter?: SearchFilter }): LexicalMatch[];
  readonly size: number;
}

export function buildBm25Index(chunks: readonly CatalogChunk[]): Bm25Index {
  const byId = new Map(chunks.map((chunk) => [chunk.id, chunk]));
  const index = new MiniSearch<CatalogChunk>({
    fields: ['text', 'subject', 'title'],
    storeFields: [],
    processTerm: (term) => {
      const lower = term.toLowerCase();
      return englishStopWords.has(lower) ? null : lower;
    },
    searchOptions: { boost: { text: 1, subject: 0.5, title: 0.5 }, prefix: (term) => term.length > 4, fuzzy: 0 },
  });
  index.addAll(chunks as CatalogChunk[]);
  return {
    size: chunks.length,
    search(query, options) {
      const results = index.search(query, {
        combineWith: 'OR',
        filter: options.filter ? (result) => matchesFilter(byId.get(result.id as number)!, options.filter) : undefined,
      });
      return results.slice(0, options.limit).map((result) => ({ chunkId: result.id as number, score: result.score }));
    },
  };
}
