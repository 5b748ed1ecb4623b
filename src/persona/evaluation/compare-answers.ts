/**
 * Base versus tuned: one question answered by the base model and by an adapter, from the
 * same prompt (retrieval as `persona ask` does it), each with its fingerprint distance to
 * the persona's own messages. Nothing is remembered and no earlier conversation is put in
 * the prompt, so the two answers differ only by the adapter.
 */
import { PersonaError } from '../../errors.js';
import { buildPrompt } from '../../llm/build-prompt.js';
import type { AdapterChoice, ChatMessage, LlmEngine } from '../../llm/llm-engine.js';
import { loadStyleHints } from '../../llm/style-hints.js';
import type { HybridRetriever } from '../../rag/hybrid-retriever.js';
import type { SqliteDatabase } from '../../store/open-database.js';
import { findPersona } from '../../store/persona-repository.js';
import { computeFingerprint, fingerprintDistance } from '../fingerprint/fingerprint.js';
import { personaMessages, personaStyleMarkers } from '../fingerprint/persona-messages.js';
import { currentProfile } from '../profile/profile-repository.js';

export interface ComparedAnswer {
  /** The adapter's id; null for the base model. */
  adapter: string | null;
  answer: string;
  /** Fingerprint distance of this answer to the persona's own messages: 0 = same style; null when the answer is empty. */
  fingerprintDistance: number | null;
  firstTokenMs: number | null;
  totalMs: number;
}

export interface Comparison {
  question: string;
  engine: LlmEngine['id'];
  sources: { id: string; label: string }[];
  base: ComparedAnswer;
  tuned: ComparedAnswer;
}

export interface CompareOptions {
  database: SqliteDatabase;
  retriever: HybridRetriever;
  engine: LlmEngine;
  persona: string;
  question: string;
  adapter: AdapterChoice;
  /** Longest answer in tokens; default a quarter of the engine's window, at most 512. */
  maxTokens?: number;
  signal?: AbortSignal;
}

export async function compareAnswers(options: CompareOptions): Promise<Comparison> {
  const { database, engine, persona, question, signal } = options;
  if (question.trim() === '') throw new PersonaError('input-unsupported', 'the question to compare on is empty');
  if (!engine.capabilities.adapters) {
    throw new PersonaError('input-unsupported', `the ${engine.id} engine cannot apply adapters, so base and tuned would be the same: use --engine llama or openai`);
  }
  const own = personaMessages(database, persona);
  if (own.length === 0) throw new PersonaError('not-found', `persona "${persona}" has no messages of its own to compare the answers' style against; ingest its writing first`);
  const markers = personaStyleMarkers(database, persona);
  const personaFingerprint = computeFingerprint(own, markers);

  const { hits } = await options.retriever.search(question, { k: 5, signal });
  const window = engine.capabilities.contextTokens;
  const maxTokens = options.maxTokens ?? (window ? Math.min(512, Math.floor(window / 4)) : 512);
  const messages = buildPrompt({
    personaName: findPersona(database, persona)?.displayName ?? persona,
    profile: currentProfile(database, persona)?.systemPrompt,
    styleHints: loadStyleHints(database, persona),
    exemplars: hits.filter((hit) => hit.isPersona).slice(0, 2).map((hit) => hit.text.split(/\s+/).slice(0, 60).join(' ')),
    knowledge: hits.map((hit, index) => ({ id: `S${index + 1}`, label: hit.citation.label, text: hit.text })),
    earlier: [],
    history: [],
    question,
    budgetTokens: window ? window - maxTokens - 32 : 6000,
    countTokens: engine.countTokens?.bind(engine),
  });

  const answer = async (adapter: AdapterChoice | undefined): Promise<ComparedAnswer> => {
    const started = performance.now();
    let firstTokenMs: number | null = null;
    let text = '';
    for await (const delta of engine.generate({ messages: messages as ChatMessage[], adapter, maxTokens, temperature: 0, seed: 1, signal })) {
      firstTokenMs ??= performance.now() - started;
      text += delta.text;
    }
    return {
      adapter: adapter?.id ?? null,
      answer: text,
      fingerprintDistance: text.trim() === '' ? null : fingerprintDistance(computeFingerprint([text], markers), personaFingerprint),
      firstTokenMs,
      totalMs: performance.now() - started,
    };
  };
  const base = await answer(undefined);
  const tuned = await answer(options.adapter);
  return {
    question,
    engine: engine.id,
    sources: hits.map((hit, index) => ({ id: `S${index + 1}`, label: hit.citation.label })),
    base,
    tuned,
  };
}
