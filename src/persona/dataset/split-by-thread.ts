/**
 * Train/validation split by thread: every example of a thread lands in the same half, so
 * the validation set never holds a reply whose own thread the model was trained on.
 * Threads are ordered by a seeded hash and the first share of them is held out, which
 * is deterministic for a seed and close to the asked share even with few threads.
 */
import { createHash } from 'node:crypto';

export interface SplitOptions {
  /** Share of threads held out, in [0, 1). */
  validationShare: number;
  seed: number;
}

export function splitByThread<Example extends { thread: string }>(examples: readonly Example[], options: SplitOptions): { train: Example[]; validation: Example[] } {
  const threads = [...new Set(examples.map((example) => example.thread))];
  const ranked = threads
    .map((thread) => ({ thread, rank: createHash('sha256').update(`${options.seed}\u0000${thread}`).digest('hex') }))
    .sort((left, right) => (left.rank < right.rank ? -1 : left.rank > right.rank ? 1 : 0));
  let heldOut = Math.round(threads.length * options.validationShare);
  // Asking for a validation set and getting none would make an evaluation silently empty.
  if (heldOut === 0 && options.validationShare > 0 && threads.length >= 2) heldOut = 1;
  const validationThreads = new Set(ranked.slice(0, heldOut).map((entry) => entry.thread));
  return {
    train: examples.filter((example) => !validationThreads.has(example.thread)),
    validation: examples.filter((example) => validationThreads.has(example.thread)),
  };
}
