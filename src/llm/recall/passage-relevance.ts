/**
 * Whether a retrieved passage actually answers the question. Retrieval always returns its
 * k best, even for a question the persona never touched on; recalling those would put
 * unrelated words in the persona's mouth, so each hit must clear a bar of its own.
 *
 * - Dense similarity is the main evidence. Measured with USE lite on the sample persona,
 *   answering passages score 0.52–0.69 against paraphrased questions, and the best
 *   passage for questions the corpus never discusses ("quantum chromodynamics",
 *   "cryptocurrency", "the capital of France", "Python programming") 0.27–0.41.
 * - A lexical hit alone proves little: BM25 matches any shared word, and "tell me about
 *   quantum chromodynamics" matched an answer for "tell". So the lexical side counts the
 *   share of the question's content words the passage contains, leaving out the words
 *   every question is made of.
 */
import { searchTerms } from '../../rag/bm25-index.js';
import type { SearchHit } from '../../rag/hybrid-retriever.js';

export interface RelevanceOptions {
  /** Dense similarity from which a passage counts as related on its own. */
  minimumSimilarity: number;
  /**
   * Whether dense search saw the whole corpus. When it did, a passage it did not return
   * is unrelated in meaning, whatever words it shares; while embedding is still under
   * way (or absent), shared content words are the only evidence there is.
   */
  denseComplete: boolean;
}

export interface ScoredPassage {
  hit: SearchHit;
  related: boolean;
  /** For ordering related passages; comparable within one question only. */
  score: number;
}

/** Words of how a question is asked rather than what it is about. */
const questionWords = new Set([
  'tell', 'think', 'thoughts', 'feel', 'like', 'know', 'say', 'explain', 'describe', 'talk', 'please', 'ever', 'really',
  'opinion', 'view', 'views', 'kind', 'sort', 'thing', 'things', 'something', 'anything', 'much', 'many', 'usually', 'often',
]);

/** Of the dense bar: how far shared content words may lower it. */
const LEXICAL_ALLOWANCE = 0.15;
/** Share of the question's content words a passage needs for lexical evidence. */
const MINIMUM_TERM_SHARE = 0.5;

export function contentTerms(question: string): string[] {
  return [...new Set(searchTerms(question).filter((term) => !questionWords.has(term)))];
}

export function scorePassage(hit: SearchHit, questionTerms: readonly string[], options: RelevanceOptions): ScoredPassage {
  const share = termShare(questionTerms, `${hit.citation.subject ?? ''} ${hit.text}`);
  const lexical = share >= MINIMUM_TERM_SHARE;
  let related: boolean;
  if (hit.similarity !== undefined) {
    related = hit.similarity >= options.minimumSimilarity || (lexical && hit.similarity >= options.minimumSimilarity - LEXICAL_ALLOWANCE);
  } else {
    related = !options.denseComplete && lexical && hit.lexicalRank !== undefined;
  }
  // Passages dense search vouched for rank above those only words vouch for (cosine ≥ -1).
  const score = hit.similarity !== undefined ? hit.similarity + 0.1 * share : share - 2;
  return { hit, related, score };
}

/** Share of `terms` found in `text`; "engineer" finds "engineering" (no stemmer, so prefixes of 5+ letters count). */
function termShare(terms: readonly string[], text: string): number {
  if (terms.length === 0) return 0;
  const words = new Set(searchTerms(text));
  let found = 0;
  for (const term of terms) {
    if (words.has(term)) found += 1;
    else if (term.length >= 5 && [...words].some((word) => word.length >= 5 && (word.startsWith(term) || term.startsWith(word)))) found += 1;
  }
  return found / terms.length;
}
