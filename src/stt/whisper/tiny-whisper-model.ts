/**
 * A tiny whisper model in whisper.cpp's legacy ggml format, built from a seed. No model can
 * be downloaded in CI, so the whisper engine's tests and bench load real whisper.cpp on
 * this file. The weights are pseudo-random, so what it "hears" is noise; what matters is
 * that whisper.cpp accepts the file, runs the encoder and decoder, and returns.
 *
 * Layout (all little-endian, no padding), as `whisper_model_load` reads it:
 * magic `ggml`; eleven int32 hyper-parameters; the mel filter bank (n_mel, n_fft, floats);
 * the vocabulary (count, then length-prefixed byte strings); then each tensor as
 * n_dims, name length, type, dims (ggml order: fastest first), name, data.
 *
 * The vocabulary size must be the real English one (51864): whisper.cpp places its special
 * tokens (end of text 50256, start 50257, timestamps from 50363) at fixed ids, and fills
 * the ids the file does not list with placeholder tokens.
 */
import { writeFileSync } from 'node:fs';
import { seededRandom } from '../../seeded-random.js';

export interface WhisperShape {
  /** Width of both the audio encoder and the text decoder (whisper.cpp requires them equal). */
  state: number;
  heads: number;
  audioLayers: number;
  textLayers: number;
  /** Encoder positions: 1500 covers whisper's 30 s window (two mel frames each). */
  audioContext: number;
  textContext: number;
}

export const tinyWhisperShape: WhisperShape = { state: 16, heads: 2, audioLayers: 1, textLayers: 1, audioContext: 1500, textContext: 448 };

const fileMagic = 0x67676d6c;
const englishVocabularySize = 51864;
const melBands = 80;
/** whisper.cpp's FFT of 400 samples has 201 frequency bins. */
const fftBins = 201;
const float32Type = 0;
/** ftype 0: every tensor F32, so the file needs no half-float conversion. */
const allFloat32 = 0;

/**
 * A few real tokens so the initial prompt and the output have something to map to. The file
 * holds tokens as raw UTF-8 (a leading space, not GPT-2's "Ġ"); whisper.cpp's logit filter
 * looks up " " and throws when it is missing.
 */
const knownWords = [' ', 'the', ' the', ' persona', ' hello', ' bridge', ' drainage', ' test', '.', ','];

interface Tensor {
  name: string;
  dims: number[];
  data: Float32Array;
}

function createTensorFactory(seed: number) {
  const random = seededRandom(seed);
  const uniform = (name: string, dims: number[], scale: number): Tensor => {
    const count = dims.reduce((product, dim) => product * dim, 1);
    const data = new Float32Array(count);
    for (let index = 0; index < count; index += 1) data[index] = (random() * 2 - 1) * scale;
    return { name, dims, data };
  };
  return {
    // 1/sqrt(inputs) keeps activations near unit size through the blocks.
    matrix: (name: string, inputs: number, outputs: number) => uniform(name, [inputs, outputs], Math.sqrt(3 / inputs)),
    bias: (name: string, size: number) => uniform(name, [size], 0.02),
    ones: (name: string, size: number): Tensor => ({ name, dims: [size], data: new Float32Array(size).fill(1) }),
    zeros: (name: string, dims: number[]): Tensor => ({ name, dims, data: new Float32Array(dims.reduce((product, dim) => product * dim, 1)) }),
    uniform,
  };
}

function attentionBlock(factory: ReturnType<typeof createTensorFactory>, prefix: string, state: number): Tensor[] {
  return [
    factory.ones(`${prefix}_ln.weight`, state),
    factory.zeros(`${prefix}_ln.bias`, [state]),
    factory.matrix(`${prefix}.query.weight`, state, state),
    factory.bias(`${prefix}.query.bias`, state),
    factory.matrix(`${prefix}.key.weight`, state, state),
    factory.matrix(`${prefix}.value.weight`, state, state),
    factory.bias(`${prefix}.value.bias`, state),
    factory.matrix(`${prefix}.out.weight`, state, state),
    factory.bias(`${prefix}.out.bias`, state),
  ];
}

function feedForwardBlock(factory: ReturnType<typeof createTensorFactory>, prefix: string, state: number): Tensor[] {
  return [
    factory.ones(`${prefix}.mlp_ln.weight`, state),
    factory.zeros(`${prefix}.mlp_ln.bias`, [state]),
    factory.matrix(`${prefix}.mlp.0.weight`, state, 4 * state),
    factory.bias(`${prefix}.mlp.0.bias`, 4 * state),
    factory.matrix(`${prefix}.mlp.2.weight`, 4 * state, state),
    factory.bias(`${prefix}.mlp.2.bias`, state),
  ];
}

function buildTensors(seed: number, shape: WhisperShape): Tensor[] {
  const factory = createTensorFactory(seed);
  const { state } = shape;
  const tensors: Tensor[] = [
    factory.uniform('encoder.positional_embedding', [state, shape.audioContext], 0.1),
    factory.uniform('encoder.conv1.weight', [3, melBands, state], Math.sqrt(3 / (3 * melBands))),
    { ...factory.bias('encoder.conv1.bias', state), dims: [1, state] },
    factory.uniform('encoder.conv2.weight', [3, state, state], Math.sqrt(3 / (3 * state))),
    { ...factory.bias('encoder.conv2.bias', state), dims: [1, state] },
    factory.ones('encoder.ln_post.weight', state),
    factory.zeros('encoder.ln_post.bias', [state]),
  ];
  for (let layer = 0; layer < shape.audioLayers; layer += 1) {
    const prefix = `encoder.blocks.${layer}`;
    tensors.push(...feedForwardBlock(factory, prefix, state), ...attentionBlock(factory, `${prefix}.attn`, state));
  }
  tensors.push(
    factory.uniform('decoder.positional_embedding', [state, shape.textContext], 0.1),
    factory.uniform('decoder.token_embedding.weight', [state, englishVocabularySize], Math.sqrt(3 / state)),
    factory.ones('decoder.ln.weight', state),
    factory.zeros('decoder.ln.bias', [state]),
  );
  for (let layer = 0; layer < shape.textLayers; layer += 1) {
    const prefix = `decoder.blocks.${layer}`;
    tensors.push(
      ...feedForwardBlock(factory, prefix, state),
      ...attentionBlock(factory, `${prefix}.attn`, state),
      ...attentionBlock(factory, `${prefix}.cross_attn`, state),
    );
  }
  return tensors;
}

/** The whole file in memory: ~3.5 MB at the default shape, most of it the token embedding. */
export function buildTinyWhisperModel(seed = 1, shape: WhisperShape = tinyWhisperShape): Buffer {
  if (shape.state % shape.heads !== 0) throw new RangeError(`state ${shape.state} is not a multiple of heads ${shape.heads}`);
  const parts: Buffer[] = [];
  const int32s = (...values: number[]) => {
    const buffer = Buffer.alloc(values.length * 4);
    values.forEach((value, index) => buffer.writeInt32LE(value, index * 4));
    parts.push(buffer);
  };
  const floats = (values: Float32Array) => parts.push(Buffer.from(values.buffer, values.byteOffset, values.byteLength));

  parts.push(Buffer.from(Uint32Array.of(fileMagic).buffer));
  int32s(
    englishVocabularySize,
    shape.audioContext,
    shape.state,
    shape.heads,
    shape.audioLayers,
    shape.textContext,
    shape.state,
    shape.heads,
    shape.textLayers,
    melBands,
    allFloat32,
  );

  // A real filter bank is triangles over the spectrum; a uniform one still gives finite mels.
  int32s(melBands, fftBins);
  floats(new Float32Array(melBands * fftBins).fill(1 / fftBins));

  int32s(knownWords.length);
  for (const word of knownWords) {
    const bytes = Buffer.from(word, 'utf8');
    int32s(bytes.length);
    parts.push(bytes);
  }

  for (const tensor of buildTensors(seed, shape)) {
    const name = Buffer.from(tensor.name, 'utf8');
    int32s(tensor.dims.length, name.length, float32Type, ...tensor.dims);
    parts.push(name);
    floats(tensor.data);
  }
  return Buffer.concat(parts);
}

export function writeTinyWhisperModel(file: string, seed = 1, shape: WhisperShape = tinyWhisperShape): string {
  writeFileSync(file, buildTinyWhisperModel(seed, shape));
  return file;
}
