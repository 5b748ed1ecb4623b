/**
 * The tiny model's forward pass and the sentence-transformers pooling, in plain TypeScript
 * and float64: the reference the ONNX engine's vectors are compared with.
 */
import { hiddenSize, tinyBertWeights } from './make-tiny-bert.js';

function row(matrix: Float32Array, index: number): number[] {
  return Array.from(matrix.subarray(index * hiddenSize, (index + 1) * hiddenSize));
}

function multiply(vector: readonly number[], matrix: Float32Array): number[] {
  return Array.from({ length: hiddenSize }, (_, column) =>
    vector.reduce((total, value, inner) => total + value * matrix[inner * hiddenSize + column]!, 0),
  );
}

/** Token vectors of one unpadded sequence (every token attended, token type 0). */
export function referenceHiddenStates(ids: readonly number[], options: { tokenTypes: boolean }): number[][] {
  const weights = tinyBertWeights(options);
  const embedded = ids.map((id) => {
    const word = row(weights.wordEmbeddings, id);
    const type = weights.tokenTypeEmbeddings ? row(weights.tokenTypeEmbeddings, 0) : new Array<number>(hiddenSize).fill(0);
    return word.map((value, dimension) => value + type[dimension]!);
  });
  const context = Array.from({ length: hiddenSize }, (_, dimension) =>
    embedded.reduce((total, vector) => total + vector[dimension]!, 0) / embedded.length,
  );
  const contextProjected = multiply(context, weights.contextWeight);
  return embedded.map((vector) => multiply(vector, weights.tokenWeight).map((value, dimension) => Math.tanh(value + contextProjected[dimension]!)));
}

/** Mean of the token vectors, scaled to unit length. */
export function referenceSentenceVector(ids: readonly number[], options: { tokenTypes: boolean }): number[] {
  const states = referenceHiddenStates(ids, options);
  const mean = Array.from({ length: hiddenSize }, (_, dimension) => states.reduce((total, state) => total + state[dimension]!, 0) / states.length);
  const norm = Math.sqrt(mean.reduce((total, value) => total + value * value, 0));
  return mean.map((value) => value / norm);
}
