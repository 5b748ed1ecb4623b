/**
 * A back-off n-gram model (order 1 to 3) held in maps, with the operations the biased
 * model needs: scoring with back-off, recomputing back-off weights so every context's
 * distribution sums to one, and reading/writing ARPA text (what pocketsphinx loads).
 * Probabilities are linear inside, log10 in ARPA.
 */
import { SttError } from '../stt-engine.js';

export const sentenceStart = '<s>';
export const sentenceEnd = '</s>';

export interface NgramEntry {
  probability: number;
  /** Linear back-off weight; 1 when the entry is no context. */
  backoff: number;
}

export interface NgramModel {
  order: number;
  /** levels[0] unigrams, keyed by the words joined with a space. */
  levels: Map<string, NgramEntry>[];
}

/** The ARPA convention: `<s>` is only ever a context, never predicted. */
const impossibleLog10 = -99;

export function emptyModel(order: number): NgramModel {
  return { order, levels: Array.from({ length: order }, () => new Map<string, NgramEntry>()) };
}

export function vocabularyOf(model: NgramModel): string[] {
  return [...model.levels[0]!.keys()];
}

/** P(word | history) with back-off; history is at most order-1 words, oldest first. */
export function conditionalProbability(model: NgramModel, history: readonly string[], word: string): number {
  const usable = history.slice(Math.max(0, history.length - (model.order - 1)));
  let weight = 1;
  for (let start = 0; start <= usable.length; start++) {
    const context = usable.slice(start);
    const entry = model.levels[context.length]!.get([...context, word].join(' '));
    if (entry) return weight * entry.probability;
    if (context.length > 0) weight *= model.levels[context.length - 1]!.get(context.join(' '))?.backoff ?? 1;
  }
  return 0;
}

/**
 * Sets each context's back-off weight to the mass its explicit n-grams leave, spread in
 * proportion to the lower order: bo(h) = (1 - Σ P(w|h)) / (1 - Σ P(w|h')). Lower orders
 * first, since the denominator uses them.
 */
export function recomputeBackoffs(model: NgramModel): void {
  for (let level = 1; level < model.order; level++) {
    const explicit = new Map<string, { mass: number; lowerMass: number }>();
    for (const [key, entry] of model.levels[level]!) {
      const words = key.split(' ');
      const context = words.slice(0, -1).join(' ');
      const lower = conditionalProbability(model, words.slice(1, -1), words.at(-1)!);
      const sums = explicit.get(context) ?? { mass: 0, lowerMass: 0 };
      sums.mass += entry.probability;
      sums.lowerMass += lower;
      explicit.set(context, sums);
    }
    for (const [context, entry] of model.levels[level - 1]!) {
      const sums = explicit.get(context);
      if (!sums) {
        entry.backoff = 1;
        continue;
      }
      const left = Math.max(1 - sums.mass, 1e-9);
      const lowerLeft = Math.max(1 - sums.lowerMass, 1e-9);
      entry.backoff = left / lowerLeft;
    }
  }
}

function log10(value: number): string {
  return value > 0 ? Math.log10(value).toFixed(6) : String(impossibleLog10);
}

/** ARPA text; every n-gram's prefix must already be present (callers keep that invariant). */
export function writeArpa(model: NgramModel): string {
  const lines: string[] = ['\\data\\'];
  for (let level = 0; level < model.order; level++) lines.push(`ngram ${level + 1}=${model.levels[level]!.size}`);
  for (let level = 0; level < model.order; level++) {
    lines.push('', `\\${level + 1}-grams:`);
    const hasBackoff = level < model.order - 1;
    for (const [key, entry] of model.levels[level]!) {
      const probability = key === sentenceStart ? String(impossibleLog10) : log10(entry.probability);
      lines.push(hasBackoff ? `${probability}\t${key}\t${log10(entry.backoff)}` : `${probability}\t${key}`);
    }
  }
  lines.push('', '\\end\\', '');
  return lines.join('\n');
}

export function parseArpa(text: string, name: string): NgramModel {
  const lines = text.split('\n');
  const declared: number[] = [];
  let index = lines.findIndex((line) => line.trim() === '\\data\\');
  if (index < 0) throw new SttError('input-unreadable', `${name}: not an ARPA language model (no \\data\\ line)`);
  for (index++; index < lines.length; index++) {
    const match = /^ngram (\d+)=(\d+)\s*$/.exec(lines[index]!.trim());
    if (!match) break;
    declared.push(Number(match[2]));
  }
  if (declared.length === 0 || declared.length > 3) {
    throw new SttError('input-unreadable', `${name}: ARPA model of order ${declared.length}; 1 to 3 are read`);
  }
  const model = emptyModel(declared.length);
  let level = -1;
  for (; index < lines.length; index++) {
    const line = lines[index]!.trim();
    if (line === '' ) continue;
    const section = /^\\(\d)-grams:$/.exec(line);
    if (section) {
      level = Number(section[1]) - 1;
      continue;
    }
    if (line === '\\end\\') break;
    if (level < 0) continue;
    const fields = line.split(/\s+/);
    const words = fields.slice(1, 1 + level + 1);
    const probability = Number(fields[0]);
    if (words.length !== level + 1 || Number.isNaN(probability)) {
      throw new SttError('input-unreadable', `${name}: malformed ${level + 1}-gram line "${line.slice(0, 80)}"`);
    }
    const backoff = fields.length > level + 2 ? Number(fields[level + 2]) : 0;
    model.levels[level]!.set(words.join(' '), {
      probability: probability <= impossibleLog10 ? 0 : 10 ** probability,
      backoff: 10 ** backoff,
    });
  }
  for (let order = 0; order < model.order; order++) {
    if (model.levels[order]!.size !== declared[order]) {
      throw new SttError('input-unreadable', `${name}: declares ${declared[order]} ${order + 1}-grams but holds ${model.levels[order]!.size}`);
    }
  }
  return model;
}
