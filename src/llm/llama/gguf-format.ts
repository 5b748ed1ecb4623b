/**
 * The GGUF container's constants, shared by the writer (tiny test models) and the
 * inspector (the check that runs before a file reaches llama.cpp). Layout, version 3:
 * magic `GGUF`, uint32 version, uint64 tensor count, uint64 metadata count, the typed
 * metadata pairs, the tensor infos (name, dims in ggml order, type, offset), padding to
 * `general.alignment` (32 by default), then the tensor data.
 */
export const ggufMagic = 'GGUF';
export const ggufDefaultAlignment = 32;

/** Metadata value types, numbered as in gguf.h. */
export const GgufValueType = {
  uint8: 0,
  int8: 1,
  uint16: 2,
  int16: 3,
  uint32: 4,
  int32: 5,
  float32: 6,
  bool: 7,
  string: 8,
  array: 9,
  uint64: 10,
  int64: 11,
  float64: 12,
} as const;

/** Byte width of each fixed-size metadata value type (strings and arrays are variable). */
export const ggufScalarWidth: ReadonlyMap<number, number> = new Map([
  [GgufValueType.uint8, 1],
  [GgufValueType.int8, 1],
  [GgufValueType.uint16, 2],
  [GgufValueType.int16, 2],
  [GgufValueType.uint32, 4],
  [GgufValueType.int32, 4],
  [GgufValueType.float32, 4],
  [GgufValueType.bool, 1],
  [GgufValueType.uint64, 8],
  [GgufValueType.int64, 8],
  [GgufValueType.float64, 8],
]);

export const ggmlTypeF32 = 0;

/**
 * [elements per block, bytes per block] of the ggml tensor types whose layout is settled,
 * so a truncated download is caught by comparing where each tensor ends with the file
 * size. Types missing here (newer or experimental quantisations) are only checked to
 * start inside the file: a wrong size here would reject a good model, a missing one only
 * weakens the check. Every entry matched ggml's own type traits in node-llama-cpp 3.21.1.
 */
export const ggmlBlockLayout: ReadonlyMap<number, readonly [number, number]> = new Map([
  [0, [1, 4]], // F32
  [1, [1, 2]], // F16
  [2, [32, 18]], // Q4_0
  [3, [32, 20]], // Q4_1
  [6, [32, 22]], // Q5_0
  [7, [32, 24]], // Q5_1
  [8, [32, 34]], // Q8_0
  [9, [32, 36]], // Q8_1
  [10, [256, 84]], // Q2_K
  [11, [256, 110]], // Q3_K
  [12, [256, 144]], // Q4_K
  [13, [256, 176]], // Q5_K
  [14, [256, 210]], // Q6_K
  [15, [256, 292]], // Q8_K
  [16, [256, 66]], // IQ2_XXS
  [17, [256, 74]], // IQ2_XS
  [18, [256, 98]], // IQ3_XXS
  [19, [256, 50]], // IQ1_S
  [20, [32, 18]], // IQ4_NL
  [21, [256, 110]], // IQ3_S
  [22, [256, 82]], // IQ2_S
  [23, [256, 136]], // IQ4_XS
  [24, [1, 1]], // I8
  [25, [1, 2]], // I16
  [26, [1, 4]], // I32
  [27, [1, 8]], // I64
  [28, [1, 8]], // F64
  [29, [256, 56]], // IQ1_M
  [30, [1, 2]], // BF16
  [34, [256, 54]], // TQ1_0
  [35, [256, 66]], // TQ2_0
  [39, [32, 17]], // MXFP4
]);
