/**
 * Style evaluation on the held-out split: each validation example's prompt goes to the
 * engine (with the adapter, if any), and the answer is set against the persona's real
 * reply — fingerprint distance over all answers, chrF per answer, the perplexity of the
 * real replies with and without the adapter (engines that expose token probabilities only),
 * and latency.
 */
import { PersonaError } from '../../errors.js';
import type { AdapterChoice, ChatMessage, LlmEngine } from '../../llm/llm-engine.js';
import type { ScoreTextInput, TextScore } from '../../llm/llama/score-text.js';
import type { SqliteDatabase } from '../../store/open-database.js';
import { buildDataset, defaultSeed, type ChatExample } from '../dataset/build-dataset.js';
import { computeFingerprint, fingerprintDistance } from '../fingerprint/fingerprint.js';
import { personaStyleMarkers } from '../fingerprint/persona-messages.js';
import { chrF, corpusChrF } from './chrf.js';
import { mean, percentile } from './percentile.js';
import type { StyleExampleResult, StyleReport } from './style-report.js';

/** An engine that can say how likely it finds a given reply (the llama engine). */
export interface TextScoringEngine extends LlmEngine {
  scoreText(request: ScoreTextInput & { adapter?: AdapterChoice }): Promise<TextScore | undefined>;
}

export function canScoreText(engine: LlmEngine): engine is TextScoringEngine {
  return typeof (engine as Partial<TextScoringEngine>).scoreText === 'function';
}

export interface StyleProgress {
  done: number;
  total: number;
  /** Estimated time left, from the mean time per example so far. */
  etaMs: number | null;
}

export interface EvaluateStyleOptions {
  database: SqliteDatabase;
  persona: string;
  engine: LlmEngine;
  adapter?: AdapterChoice;
  /** The dataset's split seed (the same seed as the export the adapter was trained on). Default 1. */
  seed?: number;
  /**
   * Which half of the export to score: `validation` (held out, the default) says how well the
   * adapter generalises; `train` says whether training took (its replies must become likely).
   */
  split?: 'validation' | 'train';
  /** Evaluate at most this many held-out examples. */
  limit?: number;
  /** Longest answer, in tokens. Default 256. */
  maxTokens?: number;
  /** The model file or served model, for the report. */
  model?: string | null;
  signal?: AbortSignal;
  onProgress?: (progress: StyleProgress) => void;
  now?: () => Date;
}

const defaultMaxTokens = 256;

export async function evaluateStyle(options: EvaluateStyleOptions): Promise<StyleReport> {
  const { database, persona, engine, adapter, signal } = options;
  const seed = options.seed ?? defaultSeed;
  const maxTokens = options.maxTokens ?? defaultMaxTokens;
  if (!Number.isInteger(maxTokens) || maxTokens < 1) throw new PersonaError('input-unsupported', `--max-tokens must be a positive whole number, not ${maxTokens}`);
  if (options.limit !== undefined && (!Number.isInteger(options.limit) || options.limit < 1)) {
    throw new PersonaError('input-unsupported', `--limit must be a positive whole number, not ${options.limit}`);
  }
  const split = options.split ?? 'validation';
  const dataset = buildDataset(database, persona, { seed });
  const pool = dataset[split];
  if (pool.length === 0) {
    throw new PersonaError(
      'not-found',
      `persona "${persona}" has no examples to evaluate on: the ${split} split (seed ${seed}) is empty. Ingest e-mail replies, chats or interview answers first (see: persona dataset export)`,
    );
  }
  const examples = options.limit === undefined ? pool : pool.slice(0, options.limit);
  const notes: string[] = [];
  const scoring = canScoreText(engine);
  const perplexityNote = !scoring
    ? `the ${engine.id} engine does not expose token probabilities, so no perplexity is reported`
    : adapter === undefined
      ? 'no adapter given: only the base model\'s perplexity is reported'
      : null;
  if (adapter !== undefined && !engine.capabilities.adapters) notes.push(`the ${engine.id} engine cannot apply adapters: adapter "${adapter.id}" was not used for the answers`);
  if (engine.id === 'recall') {
    notes.push('the recall engine answers with passages from the corpus, which holds the held-out replies themselves: its figures flatter it');
  }

  const started = performance.now();
  const results: StyleExampleResult[] = [];
  for (const example of examples) {
    if (signal?.aborted) break;
    const result = await evaluateExample(example, { engine, adapter, scoring, maxTokens, signal });
    if (result === undefined) break;
    results.push(result);
    const elapsed = performance.now() - started;
    const remaining = examples.length - results.length;
    options.onProgress?.({ done: results.length, total: examples.length, etaMs: remaining === 0 ? 0 : (elapsed / results.length) * remaining });
  }
  if (results.length < examples.length) notes.push(`stopped after ${results.length} of ${examples.length} examples (aborted)`);

  const markers = personaStyleMarkers(database, persona);
  const generated = results.map((result) => result.generated).filter((text) => text.trim() !== '');
  const references = results.map((result) => result.reference);
  let distance: number | null = null;
  if (generated.length > 0 && references.length > 0) {
    distance = fingerprintDistance(computeFingerprint(generated, markers), computeFingerprint(references, markers));
  } else if (results.length > 0) {
    notes.push('every generated answer was empty: no fingerprint distance');
  }
  const totals = results.map((result) => result.totalMs);
  const firstTokens = results.flatMap((result) => (result.firstTokenMs === null ? [] : [result.firstTokenMs]));
  const measured = (values: (number | null)[]): number[] => values.filter((value): value is number => value !== null);
  return {
    persona,
    engine: engine.id,
    adapter: adapter?.id ?? null,
    model: options.model ?? null,
    createdAt: (options.now?.() ?? new Date()).toISOString(),
    seed,
    split,
    validationExamples: pool.length,
    examples: results.length,
    fingerprintDistance: distance,
    chrF: mean(results.map((result) => result.chrF)),
    corpusChrF: results.length === 0 ? null : corpusChrF(results.map((result) => ({ hypothesis: result.generated, reference: result.reference }))),
    perplexity: {
      base: mean(measured(results.map((result) => result.perplexityBase))),
      adapter: mean(measured(results.map((result) => result.perplexityAdapter))),
      note: perplexityNote,
    },
    latency: {
      medianMs: percentile(totals, 0.5),
      p90Ms: percentile(totals, 0.9),
      firstTokenMedianMs: percentile(firstTokens, 0.5),
      firstTokenP90Ms: percentile(firstTokens, 0.9),
    },
    notes,
    results,
  };
}

interface ExampleContext {
  engine: LlmEngine;
  adapter: AdapterChoice | undefined;
  scoring: boolean;
  maxTokens: number;
  signal: AbortSignal | undefined;
}

/** One held-out example; undefined when aborted part way (a partial answer would skew every figure). */
async function evaluateExample(example: ChatExample, context: ExampleContext): Promise<StyleExampleResult | undefined> {
  const [system, user, assistant] = example.messages;
  const prompt: ChatMessage[] = [system, user];
  const started = performance.now();
  let firstTokenMs: number | null = null;
  let generated = '';
  // Greedy, so a rerun of the same evaluation gives the same answers.
  for await (const delta of context.engine.generate({ messages: prompt, adapter: context.adapter, maxTokens: context.maxTokens, temperature: 0, seed: 1, signal: context.signal })) {
    firstTokenMs ??= performance.now() - started;
    generated += delta.text;
  }
  const totalMs = performance.now() - started;
  if (context.signal?.aborted) return undefined;

  let perplexityBase: number | null = null;
  let perplexityAdapter: number | null = null;
  if (context.scoring && assistant.content.trim() !== '') {
    const engine = context.engine as TextScoringEngine;
    const base = await engine.scoreText({ messages: prompt, reply: assistant.content, signal: context.signal });
    if (context.signal?.aborted) return undefined;
    perplexityBase = base?.perplexity ?? null;
    if (context.adapter !== undefined) {
      const tuned = await engine.scoreText({ messages: prompt, reply: assistant.content, adapter: context.adapter, signal: context.signal });
      if (context.signal?.aborted) return undefined;
      perplexityAdapter = tuned?.perplexity ?? null;
    }
  }
  return {
    thread: example.thread,
    origin: example.origin,
    prompt: user.content,
    reference: assistant.content,
    generated,
    chrF: chrF(generated, assistant.content),
    perplexityBase,
    perplexityAdapter,
    firstTokenMs,
    totalMs,
  };
}
