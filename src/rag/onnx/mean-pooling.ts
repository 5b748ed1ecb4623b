/**
 * Sentence vectors from token vectors: the mean over the tokens the attention mask keeps
 * (padding excluded), scaled to unit length, as sentence-transformers does for MiniLM and nomic.
 */

/**
 * @param hiddenStates row-major [batchSize, sequenceLength, hiddenSize]
 * @param attentionMask row-major [batchSize, sequenceLength], 1 for real tokens
 */
export function meanPoolAndNormalize(
  hiddenStates: Float32Array,
  attentionMask: BigInt64Array,
  shape: { batchSize: number; sequenceLength: number; hiddenSize: number },
): Float32Array[] {
  const { batchSize, sequenceLength, hiddenSize } = shape;
  const vectors: Float32Array[] = [];
  // Sums in float64: a long text adds hundreds of values and float32 would drift.
  const sum = new Float64Array(hiddenSize);
  for (let row = 0; row < batchSize; row += 1) {
    sum.fill(0);
    let count = 0;
    for (let position = 0; position < sequenceLength; position += 1) {
      if (attentionMask[row * sequenceLength + position] === 0n) continue;
      count += 1;
      const offset = (row * sequenceLength + position) * hiddenSize;
      for (let dimension = 0; dimension < hiddenSize; dimension += 1) sum[dimension]! += hiddenStates[offset + dimension]!;
    }
    // sentence-transformers clamps the count to at least 1e-9; every row here has [CLS] anyway.
    const divisor = Math.max(count, 1e-9);
    let squares = 0;
    for (let dimension = 0; dimension < hiddenSize; dimension += 1) {
      sum[dimension]! /= divisor;
      squares += sum[dimension]! * sum[dimension]!;
    }
    // Same epsilon as torch.nn.functional.normalize: an all-zero mean stays zero, not NaN.
    const norm = Math.max(Math.sqrt(squares), 1e-12);
    const vector = new Float32Array(hiddenSize);
    for (let dimension = 0; dimension < hiddenSize; dimension += 1) vector[dimension] = sum[dimension]! / norm;
    vectors.push(vector);
  }
  return vectors;
}
