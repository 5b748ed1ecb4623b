/**
 * Embeds texts longer than the model reads (USE lite stops at 128 pieces, about 90
 * words, while chunks hold about 375) by cutting them into word windows that fit,
 * embedding every window, and averaging: the vector then speaks for the whole chunk,
 * not just its opening.
 */
import type { EmbedOptions, Embedder } from './embedder.js';

/** About 1.4 model tokens a word in English prose; windows stay a little under the limit. */
const wordsPerToken = 0.7;

export async function embedLongTexts(embedder: Embedder, texts: readonly string[], options: EmbedOptions = {}): Promise<Float32Array[]> {
  const wordsPerWindow = Math.max(16, Math.floor(embedder.maxTokens * wordsPerToken));
  const windows: string[] = [];
  const owners: number[] = [];
  texts.forEach((text, owner) => {
    for (const window of splitIntoWindows(text, wordsPerWindow)) {
      windows.push(window);
      owners.push(owner);
    }
  });
  const vectors = await embedder.embed(windows, options);
  const sums = texts.map(() => new Float32Array(embedder.dimensions));
  vectors.forEach((vector, index) => {
    const sum = sums[owners[index]!]!;
    for (let dimension = 0; dimension < sum.length; dimension += 1) sum[dimension]! += vector[dimension]!;
  });
  return sums.map(normalise);
}

export function splitIntoWindows(text: string, wordsPerWindow: number): string[] {
  const words = text.split(/\s+/).filter(Boolean);
  if (words.length <= wordsPerWindow) return [text];
  const windows: string[] = [];
  for (let start = 0; start < words.length; start += wordsPerWindow) windows.push(words.slice(start, start + wordsPerWindow).join(' '));
  // A short tail would weigh as much as a full window; fold it into the one before.
  if (windows.length > 1 && words.length % wordsPerWindow < wordsPerWindow / 4) {
    const tail = windows.pop()!;
    windows[windows.length - 1] += ` ${tail}`;
  }
  return windows;
}

function normalise(vector: Float32Array): Float32Array {
  let norm = 0;
  for (const value of vector) norm += value * value;
  norm = Math.sqrt(norm) || 1;
  return vector.map((value) => value / norm);
}
