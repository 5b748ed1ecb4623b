/**
 * Word error rate: the Levenshtein alignment of hypothesis words against reference words,
 * (substitutions + deletions + insertions) / reference words. Both sides are normalised
 * first (case, punctuation, `<s>` markers, digits spelled out, a few spoken abbreviations),
 * so "Mr. Dashwood, 1811" and "mister dashwood eighteen eleven" score as equal.
 */
import { dictionaryWords } from './pocketsphinx/dictionary-words.js';

export interface WordErrorRate {
  /** (substitutions + deletions + insertions) / referenceWords; 0 when both are empty, 1 per inserted word when only the reference is. */
  wer: number;
  substitutions: number;
  deletions: number;
  insertions: number;
  referenceWords: number;
}

/** Written forms recognisers print for words a transcript spells out. */
const spokenForms: Record<string, string> = { mr: 'mister', mrs: 'missus', dr: 'doctor', ok: 'okay' };

export function normalizeForScoring(text: string): string[] {
  return dictionaryWords(text)
    .map((word) => spokenForms[word] ?? word)
    // Recognisers mark filler and noise as bracketed tokens, which dictionaryWords drops already; "a" and "an" stay distinct.
    .filter((word) => word.length > 0);
}

export function wordErrorRate(reference: string, hypothesis: string): WordErrorRate {
  return alignWords(normalizeForScoring(reference), normalizeForScoring(hypothesis));
}

/** The minimum-edit alignment; among equal-cost alignments, substitutions are preferred (the usual sclite convention). */
export function alignWords(reference: readonly string[], hypothesis: readonly string[]): WordErrorRate {
  const rows = reference.length + 1;
  const columns = hypothesis.length + 1;
  // cost[i][j] with the operation counts that reached it.
  const cost = new Uint32Array(rows * columns);
  const substitutions = new Uint32Array(rows * columns);
  const deletions = new Uint32Array(rows * columns);
  const insertions = new Uint32Array(rows * columns);
  for (let i = 0; i < rows; i++) {
    cost[i * columns] = i;
    deletions[i * columns] = i;
  }
  for (let j = 0; j < columns; j++) {
    cost[j] = j;
    insertions[j] = j;
  }
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < columns; j++) {
      const at = i * columns + j;
      const diagonal = (i - 1) * columns + (j - 1);
      const up = (i - 1) * columns + j;
      const left = i * columns + (j - 1);
      const same = reference[i - 1] === hypothesis[j - 1];
      const viaDiagonal = cost[diagonal]! + (same ? 0 : 1);
      const viaUp = cost[up]! + 1;
      const viaLeft = cost[left]! + 1;
      if (viaDiagonal <= viaUp && viaDiagonal <= viaLeft) {
        cost[at] = viaDiagonal;
        substitutions[at] = substitutions[diagonal]! + (same ? 0 : 1);
        deletions[at] = deletions[diagonal]!;
        insertions[at] = insertions[diagonal]!;
      } else if (viaUp <= viaLeft) {
        cost[at] = viaUp;
        substitutions[at] = substitutions[up]!;
        deletions[at] = deletions[up]! + 1;
        insertions[at] = insertions[up]!;
      } else {
        cost[at] = viaLeft;
        substitutions[at] = substitutions[left]!;
        deletions[at] = deletions[left]!;
        insertions[at] = insertions[left]! + 1;
      }
    }
  }
  const last = rows * columns - 1;
  const errors = cost[last]!;
  return {
    wer: reference.length === 0 ? errors : errors / reference.length,
    substitutions: substitutions[last]!,
    deletions: deletions[last]!,
    insertions: insertions[last]!,
    referenceWords: reference.length,
  };
}

/** Corpus-level rate: all errors over all reference words (not the mean of per-utterance rates). */
export function corpusWordErrorRate(results: readonly WordErrorRate[]): WordErrorRate {
  const total = { substitutions: 0, deletions: 0, insertions: 0, referenceWords: 0 };
  for (const result of results) {
    total.substitutions += result.substitutions;
    total.deletions += result.deletions;
    total.insertions += result.insertions;
    total.referenceWords += result.referenceWords;
  }
  const errors = total.substitutions + total.deletions + total.insertions;
  return { ...total, wer: total.referenceWords === 0 ? errors : errors / total.referenceWords };
}
