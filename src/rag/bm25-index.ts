/**
 * Lexical search (Okapi BM25) over a persona's chunks, held in memory: it answers from
 * the first second, before any vector exists. Our own index rather than MiniSearch:
 * on 100,000 chunks MiniSearch took ~200 ms a query (it scores and sorts every match);
 * postings in typed arrays, a score accumulator and a top-k heap take a few ms.
 */
import type { CatalogChunk } from './chunk-catalog.js';
import { matchesFilter, type SearchFilter } from './search-filter.js';
import { englishStopWords } from './stop-words.js';
import { createTopK } from './top-k.js';

export interface LexicalMatch {
  chunkId: number;
  score: number;
}

export interface Bm25Index {
  search(query: string, options: { limit: number; filter?: SearchFilter }): LexicalMatch[];
  readonly size: number;
}

const termFrequencySaturation = 1.2;
const lengthNormalisation = 0.75;
const wordPattern = /[\p{L}\p{N}][\p{L}\p{M}\p{N}]*/gu;

export function searchTerms(text: string): string[] {
  const terms: string[] = [];
  for (const match of text.toLowerCase().matchAll(wordPattern)) if (!englishStopWords.has(match[0])) terms.push(match[0]);
  return terms;
}

interface Postings {
  documents: Uint32Array;
  frequencies: Uint16Array;
}

export function buildBm25Index(chunks: readonly CatalogChunk[]): Bm25Index {
  const growing = new Map<string, { documents: number[]; frequencies: number[] }>();
  const lengths = new Uint32Array(chunks.length);
  chunks.forEach((chunk, document) => {
    // Subject and title count as words of the passage: a question about "bearings" finds the thread titled so.
    const terms = searchTerms(`${chunk.subject ?? ''} ${chunk.title ?? ''} ${chunk.text}`);
    lengths[document] = terms.length;
    const counts = new Map<string, number>();
    for (const term of terms) counts.set(term, (counts.get(term) ?? 0) + 1);
    for (const [term, count] of counts) {
      let postings = growing.get(term);
      if (!postings) growing.set(term, (postings = { documents: [], frequencies: [] }));
      postings.documents.push(document);
      postings.frequencies.push(Math.min(count, 65_535));
    }
  });
  const postingsByTerm = new Map<string, Postings>();
  for (const [term, postings] of growing) {
    postingsByTerm.set(term, { documents: Uint32Array.from(postings.documents), frequencies: Uint16Array.from(postings.frequencies) });
  }
  const averageLength = chunks.length ? lengths.reduce((sum, length) => sum + length, 0) / chunks.length : 1;
  const scores = new Float64Array(chunks.length);
  const touched = new Uint32Array(chunks.length);

  return {
    size: chunks.length,
    search(query, options) {
      let touchedCount = 0;
      for (const term of new Set(searchTerms(query))) {
        const postings = postingsByTerm.get(term);
        if (!postings) continue;
        const documentFrequency = postings.documents.length;
        const inverseFrequency = Math.log(1 + (chunks.length - documentFrequency + 0.5) / (documentFrequency + 0.5));
        for (let index = 0; index < documentFrequency; index += 1) {
          const document = postings.documents[index]!;
          const frequency = postings.frequencies[index]!;
          const norm = termFrequencySaturation * (1 - lengthNormalisation + (lengthNormalisation * lengths[document]!) / averageLength);
          if (scores[document] === 0) touched[touchedCount++] = document;
          scores[document]! += (inverseFrequency * frequency * (termFrequencySaturation + 1)) / (frequency + norm);
        }
      }
      const best = createTopK<number>(options.limit);
      for (let index = 0; index < touchedCount; index += 1) {
        const document = touched[index]!;
        const score = scores[document]!;
        scores[document] = 0;
        // The filter runs only for documents that would enter the top k.
        if (best.wouldAccept(score) && matchesFilter(chunks[document]!, options.filter)) best.offer(document, score);
      }
      return best.sorted().map(({ item, score }) => ({ chunkId: chunks[item]!.id, score }));
    },
  };
}
