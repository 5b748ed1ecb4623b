/**
 * Writes GGUF v3 files with F32 tensors: enough for the tiny llama model and LoRA
 * adapters the tests, the bench and `npm run make:tiny-model` generate, so the llama
 * engine runs against real llama.cpp without downloading a model.
 */
import { writeFileSync } from 'node:fs';
import { GgufValueType, ggmlTypeF32, ggufDefaultAlignment, ggufMagic } from './gguf-format.js';

export type GgufMetadataValue =
  | { type: 'string'; value: string }
  | { type: 'uint32'; value: number }
  | { type: 'int32'; value: number }
  | { type: 'float32'; value: number }
  | { type: 'bool'; value: boolean }
  | { type: 'string-array'; value: readonly string[] }
  | { type: 'float32-array'; value: readonly number[] }
  | { type: 'int32-array'; value: readonly number[] };

export interface GgufTensor {
  name: string;
  /** Dimensions in ggml order: the first one varies fastest (a matrix is [columns, rows]). */
  dims: readonly number[];
  data: Float32Array;
}

export interface GgufContent {
  /** In file order; llama.cpp reads them by key, so the order only matters to a reader. */
  metadata: ReadonlyArray<readonly [string, GgufMetadataValue]>;
  tensors: readonly GgufTensor[];
}

/** Little-endian bytes appended to growing chunks; joined once at the end. */
function createByteSink(): { chunks: Buffer[]; length: () => number; push: (chunk: Buffer) => void } {
  const chunks: Buffer[] = [];
  let total = 0;
  return {
    chunks,
    length: () => total,
    push(chunk) {
      chunks.push(chunk);
      total += chunk.length;
    },
  };
}

function uint32(value: number): Buffer {
  const buffer = Buffer.alloc(4);
  buffer.writeUInt32LE(value);
  return buffer;
}

function uint64(value: number): Buffer {
  const buffer = Buffer.alloc(8);
  buffer.writeBigUInt64LE(BigInt(value));
  return buffer;
}

function ggufString(text: string): Buffer {
  const bytes = Buffer.from(text, 'utf8');
  return Buffer.concat([uint64(bytes.length), bytes]);
}

function encodeValue(entry: GgufMetadataValue): Buffer {
  switch (entry.type) {
    case 'string':
      return Buffer.concat([uint32(GgufValueType.string), ggufString(entry.value)]);
    case 'uint32':
      return Buffer.concat([uint32(GgufValueType.uint32), uint32(entry.value)]);
    case 'int32': {
      const buffer = Buffer.alloc(4);
      buffer.writeInt32LE(entry.value);
      return Buffer.concat([uint32(GgufValueType.int32), buffer]);
    }
    case 'float32': {
      const buffer = Buffer.alloc(4);
      buffer.writeFloatLE(entry.value);
      return Buffer.concat([uint32(GgufValueType.float32), buffer]);
    }
    case 'bool':
      return Buffer.concat([uint32(GgufValueType.bool), Buffer.from([entry.value ? 1 : 0])]);
    case 'string-array':
      return Buffer.concat([
        uint32(GgufValueType.array),
        uint32(GgufValueType.string),
        uint64(entry.value.length),
        ...entry.value.map(ggufString),
      ]);
    case 'float32-array': {
      const values = Buffer.alloc(entry.value.length * 4);
      entry.value.forEach((value, index) => values.writeFloatLE(value, index * 4));
      return Buffer.concat([uint32(GgufValueType.array), uint32(GgufValueType.float32), uint64(entry.value.length), values]);
    }
    case 'int32-array': {
      const values = Buffer.alloc(entry.value.length * 4);
      entry.value.forEach((value, index) => values.writeInt32LE(value, index * 4));
      return Buffer.concat([uint32(GgufValueType.array), uint32(GgufValueType.int32), uint64(entry.value.length), values]);
    }
  }
}

function paddingTo(length: number, alignment: number): Buffer {
  return Buffer.alloc((alignment - (length % alignment)) % alignment);
}

/** The whole file in memory: the tiny models are a few hundred KiB. */
export function encodeGguf(content: GgufContent): Buffer {
  const sink = createByteSink();
  sink.push(Buffer.from(ggufMagic, 'ascii'));
  sink.push(uint32(3));
  sink.push(uint64(content.tensors.length));
  sink.push(uint64(content.metadata.length));
  for (const [key, value] of content.metadata) {
    sink.push(ggufString(key));
    sink.push(encodeValue(value));
  }
  let offset = 0;
  for (const tensor of content.tensors) {
    const elements = tensor.dims.reduce((product, dim) => product * dim, 1);
    if (elements !== tensor.data.length) {
      throw new RangeError(`GGUF tensor ${tensor.name}: dims ${tensor.dims.join('×')} hold ${elements} values, data has ${tensor.data.length}`);
    }
    sink.push(ggufString(tensor.name));
    sink.push(uint32(tensor.dims.length));
    for (const dim of tensor.dims) sink.push(uint64(dim));
    sink.push(uint32(ggmlTypeF32));
    sink.push(uint64(offset));
    offset += tensor.data.byteLength;
    offset += (ggufDefaultAlignment - (offset % ggufDefaultAlignment)) % ggufDefaultAlignment;
  }
  sink.push(paddingTo(sink.length(), ggufDefaultAlignment));
  for (const tensor of content.tensors) {
    sink.push(Buffer.from(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength));
    sink.push(paddingTo(tensor.data.byteLength, ggufDefaultAlignment));
  }
  return Buffer.concat(sink.chunks);
}

export function writeGgufFile(filePath: string, content: GgufContent): void {
  writeFileSync(filePath, encodeGguf(content));
}
