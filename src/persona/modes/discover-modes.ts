/**
 * Persona modes: the registers a person writes in (site notes, family messages, letters to
 * the council). The persona's messages are embedded, clustered by spherical k-means for
 * each k from 3 to 6, and the k with the best mean silhouette wins unless one is given.
 * Each mode is named by the terms that set it apart and gets a system prompt in its register.
 */
import { PersonaError } from '../../errors.js';
import { embedLongTexts } from '../../rag/embed-long-texts.js';
import type { Embedder } from '../../rag/embedder.js';
import { distinctiveTerms } from './distinctive-terms.js';
import { kMeans, silhouette } from './k-means.js';
import { describeRegister, modeSystemPrompt, type Register } from './mode-prompt.js';

export const smallestK = 3;
export const largestK = 6;
/** Fewer messages per mode than this and a "mode" is a handful of anecdotes. */
const messagesPerMode = 2;

export interface DiscoveredMode {
  /** A slug from the first terms, usable as an adapter's mode. */
  mode: string;
  label: string;
  terms: string[];
  systemPrompt: string;
  register: Register;
  size: number;
  silhouette: number;
  /** Indexes of the messages in this mode. */
  members: number[];
}

export interface ModeDiscovery {
  k: number;
  /** Whether k was chosen by silhouette (false when it was given). */
  chosen: boolean;
  silhouette: number;
  /** Mean silhouette of each k tried. */
  silhouetteByK: Record<number, number>;
  /** Largest first. */
  modes: DiscoveredMode[];
}

export interface DiscoverOptions {
  /** Use this k instead of choosing one. */
  k?: number;
  seed?: number;
  restarts?: number;
  /** How the system prompts name the persona. */
  personaName?: string;
  signal?: AbortSignal;
}

export async function discoverModes(messages: readonly string[], embedder: Embedder, options: DiscoverOptions = {}): Promise<ModeDiscovery> {
  const texts = messages.map((message) => message.trim()).filter(Boolean);
  const candidates = options.k === undefined ? range(smallestK, largestK) : [options.k];
  if (options.k !== undefined && (!Number.isInteger(options.k) || options.k < 2 || options.k > 12)) {
    throw new PersonaError('input-unsupported', `k must be a whole number from 2 to 12, not ${options.k}`);
  }
  const needed = candidates[0]! * messagesPerMode;
  if (texts.length < needed) {
    throw new PersonaError('input-unsupported', `persona has ${texts.length} messages of its own; finding ${candidates[0]} modes needs at least ${needed} (ingest more of its writing)`);
  }
  const vectors = await embedLongTexts(embedder, texts, { signal: options.signal, purpose: 'document' });
  options.signal?.throwIfAborted();
  const seed = options.seed ?? 1;
  let best: { clustering: ReturnType<typeof kMeans>; score: ReturnType<typeof silhouette> } | undefined;
  const silhouetteByK: Record<number, number> = {};
  for (const k of candidates.filter((candidate) => candidate * messagesPerMode <= texts.length)) {
    options.signal?.throwIfAborted();
    const clustering = kMeans(vectors, k, { seed, restarts: options.restarts });
    const score = silhouette(vectors, clustering.assignments, k);
    silhouetteByK[k] = round(score.mean);
    if (!best || score.mean > best.score.mean + 1e-9) best = { clustering, score };
  }
  const { clustering, score } = best!;
  const termsByCluster = distinctiveTerms(texts, clustering.assignments, clustering.k);
  const name = options.personaName ?? 'the persona';
  const slugs = new Set<string>();
  const modes = range(0, clustering.k - 1)
    .map((cluster): DiscoveredMode => {
      const members = clustering.assignments.flatMap((assigned, index) => (assigned === cluster ? [index] : []));
      const terms = termsByCluster[cluster]!;
      const label = terms.slice(0, 3).join(', ') || `mode ${cluster + 1}`;
      const register = describeRegister(members.map((index) => texts[index]!));
      return {
        mode: uniqueSlug(terms, cluster, slugs),
        label,
        terms,
        systemPrompt: modeSystemPrompt(name, label, register),
        register,
        size: members.length,
        silhouette: round(score.byCluster[cluster]!),
        members,
      };
    })
    .filter((mode) => mode.size > 0)
    .sort((left, right) => right.size - left.size || (left.mode < right.mode ? -1 : 1));
  return { k: clustering.k, chosen: options.k === undefined, silhouette: round(score.mean), silhouetteByK, modes };
}

/** "site-photos" from the first two terms that survive as ASCII; "mode-2" when none do (a Tamil-only mode). */
function uniqueSlug(terms: readonly string[], cluster: number, taken: Set<string>): string {
  const words = terms
    .map((term) => term.normalize('NFKD').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, ''))
    .filter(Boolean)
    .slice(0, 2);
  let slug = words.length > 0 ? words.join('-') : `mode-${cluster + 1}`;
  if (taken.has(slug)) slug = `${slug}-${cluster + 1}`;
  taken.add(slug);
  return slug;
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, index) => from + index);
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
