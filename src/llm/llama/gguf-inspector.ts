/**
 * Reads and checks a GGUF file's header, metadata and tensor table in JavaScript before
 * llama.cpp sees it. llama.cpp aborts the whole process on some malformed files (and
 * allocates whatever a corrupt count asks for), so a truncated download, a file that is
 * not GGUF, or an absurd count must be caught here and turned into a typed error naming
 * the file. Only the header is read: a few MiB at most, even for an 8B model whose
 * vocabulary sits in the metadata.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { GgufValueType, ggmlBlockLayout, ggufDefaultAlignment, ggufMagic, ggufScalarWidth } from './gguf-format.js';
import { type ModelFileKind, ModelFileInvalidError, ModelFileMissingError } from './model-file-errors.js';

export interface GgufSummary {
  version: number;
  tensorCount: number;
  metadataCount: number;
  fileSize: number;
  /** The string-valued metadata worth knowing before loading (see `keptStringKeys`). */
  strings: ReadonlyMap<string, string>;
  /** Scalar numeric metadata (counts, lengths, `adapter.lora.alpha`), by key. */
  numbers: ReadonlyMap<string, number>;
  /** Each tensor's dimensions in ggml order (columns first), by name: what an adapter is checked against. */
  tensors: ReadonlyMap<string, readonly number[]>;
}

/** Far above any real model (an 8B llama has 291 tensors, its LoRA a few hundred). */
const maximumTensorCount = 1_000_000;
const maximumMetadataCount = 1_000_000;
/** ggml's GGML_MAX_NAME and GGML_MAX_DIMS. */
const maximumTensorNameBytes = 64;
const maximumDims = 4;
const keptStringKeys = new Set(['general.architecture', 'general.type', 'general.name', 'adapter.type', 'tokenizer.chat_template']);
const readChunkBytes = 1 << 20;

/** Thrown inside the walk; the caller wraps it with the file's path. */
class MalformedGguf extends Error {}

/** Sequential little-endian reads over a file handle, one MiB at a time. */
function createFileReader(handle: FileHandle, fileSize: number) {
  let buffer = Buffer.alloc(0);
  let bufferStart = 0; // file position of buffer[0]
  let position = 0;

  async function need(bytes: number, what: string): Promise<void> {
    if (position + bytes > fileSize) {
      throw new MalformedGguf(`truncated: the file ends inside the ${what} (byte ${position} of ${fileSize}, needs ${bytes} more)`);
    }
    const bufferEnd = bufferStart + buffer.length;
    if (position + bytes <= bufferEnd) return;
    const length = Math.min(Math.max(bytes, readChunkBytes), fileSize - position);
    const next = Buffer.alloc(length);
    const { bytesRead } = await handle.read(next, 0, length, position);
    if (bytesRead < bytes) throw new MalformedGguf(`truncated: could read only ${bytesRead} of ${bytes} bytes at ${position}`);
    buffer = next.subarray(0, bytesRead);
    bufferStart = position;
  }

  function view(bytes: number): Buffer {
    const start = position - bufferStart;
    position += bytes;
    return buffer.subarray(start, start + bytes);
  }

  async function uint32(what: string): Promise<number> {
    await need(4, what);
    return view(4).readUInt32LE(0);
  }

  async function float32(what: string): Promise<number> {
    await need(4, what);
    return view(4).readFloatLE(0);
  }

  async function uint64(what: string): Promise<number> {
    await need(8, what);
    const value = view(8).readBigUInt64LE(0);
    // Anything above 2^53 is corrupt for a file that fits on a disk.
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new MalformedGguf(`absurd ${what} ${value}`);
    return Number(value);
  }

  async function string(what: string, maximumBytes = fileSize): Promise<string> {
    const length = await uint64(`${what} length`);
    if (length > maximumBytes) throw new MalformedGguf(`${what} claims ${length} bytes (at most ${maximumBytes} expected)`);
    await need(length, what);
    return view(length).toString('utf8');
  }

  async function skip(bytes: number, what: string): Promise<void> {
    if (position + bytes > fileSize) {
      throw new MalformedGguf(`truncated: the file ends inside the ${what} (byte ${position} of ${fileSize}, needs ${bytes} more)`);
    }
    position += bytes;
  }

  /**
   * Steps over `count` strings. A Llama 3 vocabulary is ~400K strings (tokens and merges):
   * stepping through the buffer synchronously keeps that to milliseconds, where one await
   * per string took a quarter of a second.
   */
  async function skipStrings(count: number, what: string): Promise<void> {
    let remaining = count;
    while (remaining > 0) {
      let offset = position - bufferStart;
      while (remaining > 0 && offset >= 0 && offset + 8 <= buffer.length) {
        const length = buffer.readUInt32LE(offset + 4) * 2 ** 32 + buffer.readUInt32LE(offset);
        if (offset + 8 + length > buffer.length) break;
        offset += 8 + length;
        remaining -= 1;
      }
      position = Math.max(position, bufferStart + offset);
      if (remaining > 0) {
        // Across a buffer boundary (or past the end of the file): the careful path.
        await string(what);
        remaining -= 1;
      }
    }
  }

  return { position: () => position, uint32, float32, uint64, string, skip, skipStrings };
}

type FileReader = ReturnType<typeof createFileReader>;

async function skipValue(reader: FileReader, type: number, key: string, depth: number): Promise<void> {
  const width = ggufScalarWidth.get(type);
  if (width !== undefined) return reader.skip(width, `value of ${key}`);
  if (type === GgufValueType.string) {
    await reader.string(`value of ${key}`);
    return;
  }
  if (type !== GgufValueType.array || depth > 2) throw new MalformedGguf(`metadata ${key} has unknown value type ${type}`);
  const elementType = await reader.uint32(`array type of ${key}`);
  const count = await reader.uint64(`array length of ${key}`);
  const elementWidth = ggufScalarWidth.get(elementType);
  if (elementWidth !== undefined) return reader.skip(count * elementWidth, `array ${key}`);
  if (elementType === GgufValueType.string) return reader.skipStrings(count, `array ${key}`);
  for (let index = 0; index < count; index += 1) await skipValue(reader, elementType, key, depth + 1);
}

async function walk(reader: FileReader, fileSize: number): Promise<GgufSummary> {
  if (fileSize < 24) throw new MalformedGguf(`truncated: ${fileSize} bytes is shorter than a GGUF header`);
  const magicBytes = Buffer.alloc(4);
  magicBytes.writeUInt32LE(await reader.uint32('header'));
  const magic = magicBytes.toString('latin1');
  if (magic !== ggufMagic) throw new MalformedGguf(`not a GGUF file: it starts with ${JSON.stringify(magic)}, not "GGUF"`);
  const version = await reader.uint32('header');
  if (version !== 2 && version !== 3) throw new MalformedGguf(`unsupported GGUF version ${version} (llama.cpp reads versions 2 and 3)`);
  const tensorCount = await reader.uint64('tensor count');
  const metadataCount = await reader.uint64('metadata count');
  // Each tensor info takes at least 33 bytes and each metadata pair at least 14: counts
  // that could not fit in the file are corrupt, whatever the limit.
  if (tensorCount > maximumTensorCount) throw new MalformedGguf(`absurd tensor count ${tensorCount}`);
  if (metadataCount > maximumMetadataCount) throw new MalformedGguf(`absurd metadata count ${metadataCount}`);
  if (tensorCount * 33 + metadataCount * 14 > fileSize - 24) {
    throw new MalformedGguf(`truncated or corrupt: ${tensorCount} tensors and ${metadataCount} metadata entries cannot fit in ${fileSize} bytes`);
  }

  const strings = new Map<string, string>();
  const numbers = new Map<string, number>();
  let alignment = ggufDefaultAlignment;
  for (let index = 0; index < metadataCount; index += 1) {
    const key = await reader.string('metadata key', 65_535);
    const type = await reader.uint32(`type of ${key}`);
    if (type === GgufValueType.string && keptStringKeys.has(key)) {
      strings.set(key, await reader.string(`value of ${key}`));
    } else if (key === 'general.alignment' && type === GgufValueType.uint32) {
      alignment = await reader.uint32('general.alignment');
      if (alignment === 0 || (alignment & (alignment - 1)) !== 0) throw new MalformedGguf(`general.alignment ${alignment} is not a power of two`);
    } else if (type === GgufValueType.uint32) {
      numbers.set(key, await reader.uint32(`value of ${key}`));
    } else if (type === GgufValueType.float32) {
      numbers.set(key, await reader.float32(`value of ${key}`));
    } else {
      await skipValue(reader, type, key, 0);
    }
  }

  const tensors: Array<{ name: string; offset: number; bytes: number | undefined }> = [];
  const shapes = new Map<string, number[]>();
  for (let index = 0; index < tensorCount; index += 1) {
    const name = await reader.string('tensor name', maximumTensorNameBytes);
    const dimCount = await reader.uint32(`dimension count of ${name}`);
    if (dimCount < 1 || dimCount > maximumDims) throw new MalformedGguf(`tensor ${name} has ${dimCount} dimensions`);
    let elements = 1;
    let firstDim = 0;
    const dims: number[] = [];
    for (let dim = 0; dim < dimCount; dim += 1) {
      const size = await reader.uint64(`dimension of ${name}`);
      dims.push(size);
      if (dim === 0) firstDim = size;
      elements *= size;
      if (elements > Number.MAX_SAFE_INTEGER) throw new MalformedGguf(`tensor ${name} is absurdly large`);
    }
    const type = await reader.uint32(`type of ${name}`);
    if (type > 255) throw new MalformedGguf(`tensor ${name} has unknown type ${type}`);
    const offset = await reader.uint64(`offset of ${name}`);
    if (offset % alignment !== 0) throw new MalformedGguf(`tensor ${name} starts at ${offset}, not a multiple of ${alignment}`);
    const layout = ggmlBlockLayout.get(type);
    let bytes: number | undefined;
    if (layout !== undefined) {
      const [blockElements, blockBytes] = layout;
      if (firstDim % blockElements !== 0) throw new MalformedGguf(`tensor ${name}: ${firstDim} columns do not fill blocks of ${blockElements}`);
      bytes = (elements / blockElements) * blockBytes;
    }
    tensors.push({ name, offset, bytes });
    shapes.set(name, dims);
  }

  const dataStart = Math.ceil(reader.position() / alignment) * alignment;
  for (const tensor of tensors) {
    const end = dataStart + tensor.offset + (tensor.bytes ?? 1);
    if (end > fileSize) {
      throw new MalformedGguf(`truncated: tensor ${tensor.name} ends at byte ${end} but the file has ${fileSize}`);
    }
  }
  return { version, tensorCount, metadataCount, fileSize, strings, numbers, tensors: shapes };
}

export interface InspectOptions {
  kind?: ModelFileKind;
  /** Named in the missing-file message. */
  adapterId?: string;
  /** The manifest name, for the `persona models pull NAME` the messages suggest. */
  modelName?: string;
}

/**
 * Checks the file and returns its summary; throws ModelFileMissingError when it is not
 * there and ModelFileInvalidError when it is not a sound GGUF file, both naming it.
 */
export async function inspectGgufFile(filePath: string, options: InspectOptions = {}): Promise<GgufSummary> {
  const kind = options.kind ?? 'model';
  const { adapterId, modelName } = options;
  let handle: FileHandle;
  try {
    handle = await open(filePath, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new ModelFileMissingError(kind, filePath, { ...(adapterId === undefined ? {} : { adapterId }), ...(modelName === undefined ? {} : { modelName }) });
    }
    throw new ModelFileInvalidError(kind, filePath, (error as Error).message, { cause: error, ...(modelName === undefined ? {} : { modelName }) });
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw new MalformedGguf('not a regular file');
    const size = stats.size;
    return await walk(createFileReader(handle, size), size);
  } catch (error) {
    if (error instanceof MalformedGguf) throw new ModelFileInvalidError(kind, filePath, error.message, modelName === undefined ? {} : { modelName });
    throw error;
  } finally {
    await handle.close();
  }
}
