/**
 * The text path of one turn: retrieve, build the prompt, pick the adapter, stream the
 * answer, remember the turn. Voice sessions and `persona ask` both run this.
 */
import { currentProfile } from '../persona/profile/profile-repository.js';
import type { SearchHit } from '../rag/hybrid-retriever.js';
import type { HybridRetriever } from '../rag/hybrid-retriever.js';
import { addTurn, conversationTurns, recentTurns, type StoredTurn } from '../store/conversation-repository.js';
import { findPersona } from '../store/persona-repository.js';
import type { Store } from '../store/store.js';
import type { AdapterVault } from './adapter-vault.js';
import { buildPrompt } from './build-prompt.js';
import { clientSources, type ClientSource } from './client-sources.js';
import { chooseAdapter, type AdapterDecision, type AdapterRequest } from './choose-adapter.js';
import type { ChatMessage, LlmEngine } from './llm-engine.js';
import { loadStyleHints } from './style-hints.js';

export interface AnswerOptions {
  store: Store;
  retriever: HybridRetriever;
  engine: LlmEngine;
  vault: AdapterVault;
  persona: string;
  conversationId: string;
  question: string;
  adapter?: Omit<AdapterRequest, 'persona'>;
  budgetTokens?: number;
  signal?: AbortSignal;
  onDelta?: (text: string) => void;
}

export interface AnswerTimings {
  retrievalMs: number;
  firstTokenMs?: number;
  totalMs: number;
}

export interface Answer {
  answer: string;
  /** For clients: paths relative to the persona's ingested folder (see client-sources.ts). */
  sources: ClientSource[];
  adapter: { id?: string; reason: AdapterDecision['reason'] | 'engine-has-no-adapters' };
  engine: LlmEngine['id'];
  aborted: boolean;
  timings: AnswerTimings;
  /** The stored persona turn: what feedback (`POST /v1/feedback`) refers to. */
  turnId: number;
}

export async function answerQuestion(options: AnswerOptions): Promise<Answer> {
  const started = performance.now();
  const { database } = options.store;
  const { hits } = await options.retriever.search(options.question, { k: 5, signal: options.signal });
  const retrievalMs = performance.now() - started;

  const history = conversationTurns(database, options.conversationId, 12).map(toChatMessage);
  const earlier = recentTurns(database, options.persona, { limit: 8, excludeConversation: options.conversationId }).map(toChatMessage);
  const messages = buildPrompt({
    personaName: findPersona(database, options.persona)?.displayName ?? options.persona,
    // The built profile's system prompt (`persona profile build`); buildPrompt has a default until there is one.
    profile: currentProfile(database, options.persona)?.systemPrompt,
    styleHints: loadStyleHints(database, options.persona),
    exemplars: exemplarsFrom(hits),
    knowledge: hits.map((hit, index) => ({ id: `S${index + 1}`, label: hit.citation.label, text: hit.text })),
    earlier,
    history,
    question: options.question,
    budgetTokens: promptBudget(options.engine, options.budgetTokens),
    countTokens: options.engine.countTokens?.bind(options.engine),
  });

  const decision: AdapterDecision | undefined = options.engine.capabilities.adapters
    ? chooseAdapter(options.vault, { persona: options.persona, ...options.adapter })
    : undefined;
  const adapter = decision?.adapter
    ? { id: decision.adapter.id, filePath: options.vault.filePath(decision.adapter), scale: decision.adapter.scale, servedName: decision.adapter.servedName }
    : undefined;

  let answer = '';
  let firstTokenMs: number | undefined;
  // The recall engine speaks passages it found itself: those are its sources (reported per request, never read back from the shared engine).
  let recalled: readonly SearchHit[] | undefined;
  const onPassages = (passages: readonly SearchHit[]): void => {
    recalled = passages;
  };
  for await (const delta of options.engine.generate({ messages, adapter, signal: options.signal, maxTokens: answerTokens(options.engine), onPassages })) {
    firstTokenMs ??= performance.now() - started;
    answer += delta.text;
    options.onDelta?.(delta.text);
  }
  const aborted = options.signal?.aborted ?? false;
  const spoken = recalled ?? hits;
  const sources = spoken.map((hit, index) => ({ id: `S${index + 1}`, label: hit.citation.label, source: hit.citation.source, page: hit.citation.page, date: hit.citation.date }));
  const timings: AnswerTimings = { retrievalMs, firstTokenMs, totalMs: performance.now() - started };
  addTurn(database, options.conversationId, { role: 'user', text: options.question });
  const turnId = addTurn(database, options.conversationId, { role: 'persona', text: answer, adapterId: adapter?.id, sources, timings: { ...timings, firstTokenMs: firstTokenMs ?? -1 } });
  return {
    answer,
    // Stored with the server's paths (in the encrypted store); returned in the form clients may see.
    sources: clientSources(database, options.persona, sources),
    adapter: decision ? { id: decision.adapter?.id, reason: decision.reason } : { reason: 'engine-has-no-adapters' },
    engine: options.engine.id,
    aborted,
    timings,
    turnId,
  };
}

function toChatMessage(turn: StoredTurn): ChatMessage {
  return { role: turn.role === 'user' ? 'user' : 'assistant', content: turn.text };
}

/** A quarter of the window (at most 1024 tokens) is kept for the answer, the rest may hold the prompt. */
function answerTokens(engine: LlmEngine): number | undefined {
  const window = engine.capabilities.contextTokens;
  return window ? Math.min(1024, Math.floor(window / 4)) : undefined;
}

function promptBudget(engine: LlmEngine, requested: number | undefined): number {
  const window = engine.capabilities.contextTokens;
  const available = window ? window - (answerTokens(engine) ?? 0) - 32 : 6000;
  return Math.min(requested ?? available, available);
}

/** The persona's own words among the hits, shortened: they show the voice. */
function exemplarsFrom(hits: readonly SearchHit[]): string[] {
  return hits
    .filter((hit) => hit.isPersona)
    .slice(0, 2)
    .map((hit) => hit.text.split(/\s+/).slice(0, 60).join(' '));
}
