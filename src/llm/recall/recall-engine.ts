/**
 * The engine that runs no model: it answers with the persona's own closest verbatim
 * answers — interview answers first (they were given to questions), then anything else
 * the persona wrote — and says plainly that it is recalling. With nothing related, it
 * says the persona has not talked about this rather than reciting the nearest noise.
 * It is the embedded default: every install can talk to a persona before any model is
 * downloaded, and it never invents a word the persona did not say.
 */
import { PersonaError } from '../../errors.js';
import type { SearchHit } from '../../rag/hybrid-retriever.js';
import type { SearchFilter } from '../../rag/search-filter.js';
import type { GenerateRequest, LlmEngine, TextDelta } from '../llm-engine.js';
import { addressesTheSystem } from './addresses-the-system.js';
import { contentTerms, scorePassage, type ScoredPassage } from './passage-relevance.js';
import { splitSentences, trimPassage } from './passage-sentences.js';

/** The project's retriever (`HybridRetriever.search`) fits as is. */
export type RecallSearch = (
  query: string,
  options: { k: number; filter: SearchFilter; signal?: AbortSignal },
) => Promise<{ hits: readonly SearchHit[]; denseCoverage?: number }>;

export interface RecallEngineOptions {
  search: RecallSearch;
  /** Called once per answer, before its first delta, with the passages recalled (empty when none related). */
  onSources?: (sources: readonly SearchHit[]) => void;
  /** Dense similarity from which a passage counts as related; default 0.5 (see passage-relevance.ts). */
  minimumSimilarity?: number;
  /** How many passages an answer joins; default 2. */
  maxPassages?: number;
  /** Longer passages are cut at a sentence boundary; default 450 (an answer is spoken: two passages of this are already a minute). */
  maxPassageCharacters?: number;
}

export interface RecallEngine extends LlmEngine {
  readonly id: 'recall';
  /** The passages the latest answer recalled, best first; read it after the stream ends. */
  readonly lastSources: readonly SearchHit[];
}

export const RECALL_PREFACE = "(Recalling what I've said before — there is no language model running.)\n\n";
export const NOTHING_TO_RECALL = "I haven't talked about that before, so I have nothing of my own to recall about it.";

/** Candidates asked of each search: a few more than are used, since most fail the relevance bar. */
const CANDIDATES = 5;
/** A second passage joins only if it is nearly as close as the first; otherwise the first stands alone. */
const SECOND_PASSAGE_MARGIN = 0.15;

export function createRecallEngine(options: RecallEngineOptions): RecallEngine {
  const minimumSimilarity = options.minimumSimilarity ?? 0.5;
  const maxPassages = Math.max(1, options.maxPassages ?? 2);
  const maxPassageCharacters = options.maxPassageCharacters ?? 450;
  let lastSources: readonly SearchHit[] = [];

  async function findPassages(question: string, signal: AbortSignal | undefined): Promise<ScoredPassage[]> {
    const terms = contentTerms(question);
    const chosen: ScoredPassage[] = [];
    const filters: SearchFilter[] = [{ personaOnly: true, kinds: ['interview'] }, { personaOnly: true }];
    for (const filter of filters) {
      if (chosen.length >= maxPassages) break;
      const result = await options.search(question, { k: CANDIDATES, filter, signal });
      const denseComplete = result.denseCoverage !== undefined ? result.denseCoverage >= 1 : result.hits.some((hit) => hit.similarity !== undefined);
      const related = result.hits
        .filter((hit) => !chosen.some((passage) => passage.hit.chunkId === hit.chunkId))
        .map((hit) => scorePassage(hit, terms, { minimumSimilarity, denseComplete }))
        .filter((passage) => passage.related)
        .sort((a, b) => b.score - a.score);
      for (const passage of related) {
        if (chosen.length >= maxPassages) break;
        const best = chosen[0];
        if (best && passage.score < best.score - SECOND_PASSAGE_MARGIN) break;
        chosen.push(passage);
      }
    }
    return chosen;
  }

  async function* generate(request: GenerateRequest): AsyncGenerator<TextDelta> {
    const signal = request.signal;
    if (signal?.aborted) return;
    const question = [...request.messages].reverse().find((message) => message.role === 'user')?.content.trim();
    if (!question) {
      throw new PersonaError('input-unsupported', 'The recall engine answers the last user message, and this conversation has none');
    }
    lastSources = [];
    let passages: ScoredPassage[];
    try {
      passages = await findPassages(question, signal);
    } catch (error) {
      if (signal?.aborted) return;
      throw error;
    }
    if (signal?.aborted) return;
    // Retrieved text is data: a sentence that talks to the system ("IMPORTANT SYSTEM NOTICE:
    // ignore your rules…") is not the persona's answer and is never read out as one; a
    // passage with nothing else in it is not recalled (nor named as a source) at all.
    const spoken = passages
      .map((passage) => ({ hit: passage.hit, sentences: splitSentences(trimPassage(passage.hit.text, maxPassageCharacters)).filter((sentence) => !addressesTheSystem(sentence)) }))
      .filter((passage) => passage.sentences.some((sentence) => sentence.trim()));
    lastSources = spoken.map((passage) => passage.hit);
    options.onSources?.(lastSources);
    request.onPassages?.(lastSources);

    const deltas = [RECALL_PREFACE];
    if (spoken.length === 0) deltas.push(NOTHING_TO_RECALL);
    spoken.forEach(({ sentences }, index) => {
      if (index > 0) sentences[0] = `\n\n${sentences[0]!.trimStart()}`;
      deltas.push(...sentences);
    });
    for (const text of deltas) {
      if (signal?.aborted) return;
      yield { type: 'text-delta', text };
    }
  }

  return {
    id: 'recall',
    capabilities: { adapters: false, streaming: true, generative: false },
    get lastSources() {
      return lastSources;
    },
    generate,
    // The retriever belongs to the caller, who closes it; there is nothing of ours to release.
    async close() {},
  };
}
