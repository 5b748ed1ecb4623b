/**
 * Reads sphinxbase's binary trie language model (`en-us.lm.bin`) into plain n-gram tables.
 * Debian's `sphinx_lm_convert` cannot write this model as ARPA (its header declares six
 * more bigrams than the trie holds and the writer asserts on it), so the general model is
 * read here directly, walking the trie the way the decoder does.
 *
 * Layout (sphinxbase lm/ngram_model_trie.c, lm_trie.c, lm_trie_quant.c): the header text,
 * the order (uint8), one uint32 count per order; a quantiser (int32, then 2^16-entry float
 * tables: prob and backoff per middle order, prob for the longest); unigrams (float prob,
 * float backoff, uint32 next) with one sentinel; bit-packed middle and longest arrays; the
 * words as NUL-separated strings. Weights are in logmath units of base 1.0001.
 */
import { readFile } from 'node:fs/promises';
import { SttError } from '../stt-engine.js';

const header = 'Trie Language Model';
const quantizedBits = 16;
const logBase = 1.0001;
/** log10 of one logmath unit. */
const log10PerUnit = Math.log10(logBase);

/** One order's n-grams in flat arrays (tens of megabytes, where objects would take a gigabyte). */
export interface TrieNgramTable {
  /** Word ids, `order` per n-gram, oldest first. */
  words: Int32Array;
  /** log10 probabilities. */
  probabilities: Float32Array;
  /** log10 backoff weights; all zero for the highest order. */
  backoffs: Float32Array;
  count: number;
}

export interface TrieLanguageModel {
  order: number;
  words: string[];
  /** log10 probability and backoff per word id. */
  unigramProbabilities: Float64Array;
  unigramBackoffs: Float64Array;
  /** Higher orders, index 0 = bigrams. */
  ngrams: TrieNgramTable[];
}

function requiredBits(maximum: number): number {
  if (maximum === 0) return 0;
  let bits = 1;
  while ((maximum >>>= 1) !== 0) bits++;
  return bits;
}

export async function readTrieLanguageModel(file: string, signal?: AbortSignal): Promise<TrieLanguageModel> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file, { signal });
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw new SttError('service-unavailable', `cannot read the general language model ${file}: ${(error as Error).message}; install it with apt-get install pocketsphinx-en-us`, { cause: error });
  }
  return parseTrieLanguageModel(bytes, file);
}

export function parseTrieLanguageModel(bytes: Buffer, name: string): TrieLanguageModel {
  const fail = (reason: string): never => {
    throw new SttError('input-unreadable', `${name}: not a readable sphinx trie language model (${reason})`);
  };
  if (bytes.length < header.length + 1 || bytes.toString('latin1', 0, header.length) !== header) fail('header missing');
  let offset = header.length;
  const order = bytes.readUInt8(offset);
  offset += 1;
  if (order < 1 || order > 3) fail(`order ${order}; only 1 to 3 are read`);
  const counts: number[] = [];
  for (let index = 0; index < order; index++) {
    counts.push(bytes.readUInt32LE(offset));
    offset += 4;
  }
  const unigramCount = counts[0]!;
  const tableSize = 1 << quantizedBits;
  // Quantiser tables: [prob, backoff] per middle order, then prob for the longest.
  const probabilityTables: Float32Array[] = [];
  const backoffTables: Float32Array[] = [];
  if (order > 1) {
    offset += 4;
    const readTable = (): Float32Array => {
      if (offset + tableSize * 4 > bytes.length) fail('truncated quantiser');
      const table = new Float32Array(tableSize);
      for (let index = 0; index < tableSize; index++) table[index] = bytes.readFloatLE(offset + index * 4);
      offset += tableSize * 4;
      return table;
    };
    for (let middle = 0; middle < order - 2; middle++) {
      probabilityTables.push(readTable());
      backoffTables.push(readTable());
    }
    probabilityTables.push(readTable());
  }

  if (offset + (unigramCount + 1) * 12 > bytes.length) fail('truncated unigrams');
  const unigramProbabilities = new Float64Array(unigramCount);
  const unigramBackoffs = new Float64Array(unigramCount);
  const unigramNext = new Uint32Array(unigramCount + 1);
  for (let index = 0; index <= unigramCount; index++) {
    const at = offset + index * 12;
    if (index < unigramCount) {
      unigramProbabilities[index] = bytes.readFloatLE(at) * log10PerUnit;
      unigramBackoffs[index] = bytes.readFloatLE(at + 4) * log10PerUnit;
    }
    unigramNext[index] = bytes.readUInt32LE(at + 8);
  }
  offset += (unigramCount + 1) * 12;

  // Bit arrays, sized from the header counts exactly as the loader allocates them.
  const wordBits = requiredBits(unigramCount);
  interface Level {
    start: number;
    totalBits: number;
    nextBits: number;
    quantBits: number;
  }
  const levels: Level[] = [];
  for (let level = 2; level <= order; level++) {
    const entries = counts[level - 1]!;
    const isLongest = level === order;
    const quantBits = isLongest ? quantizedBits : 2 * quantizedBits;
    const nextBits = isLongest ? 0 : requiredBits(counts[level]!);
    const totalBits = wordBits + quantBits + nextBits;
    const size = Math.floor(((1 + entries) * totalBits + 7) / 8) + 8;
    levels.push({ start: offset, totalBits, nextBits, quantBits });
    offset += size;
  }
  if (offset > bytes.length) fail('truncated n-gram arrays');
  const wordBytes = bytes.readInt32LE(offset);
  offset += 4;
  if (offset + wordBytes > bytes.length) fail('truncated word list');
  const words = bytes.toString('latin1', offset, offset + wordBytes).split('\0').slice(0, unigramCount);
  if (words.length !== unigramCount) fail(`${words.length} words for ${unigramCount} unigrams`);

  // Little-endian bit reads; values span at most 32 bits past a byte boundary.
  const readBits = (bitOffset: number, length: number): number => {
    if (length === 0) return 0;
    const byte = bitOffset >>> 3;
    const shift = bitOffset & 7;
    let value = 0;
    const needed = Math.ceil((shift + length) / 8);
    for (let index = needed - 1; index >= 0; index--) value = value * 256 + (bytes[byte + index] ?? 0);
    return Math.floor(value / 2 ** shift) % 2 ** length;
  };

  // The trie is keyed by reversed context: below a unigram come the words *before* it.
  const ngrams: TrieNgramTable[] = levels.map((_, index) => {
    const size = counts[index + 1]!;
    return { words: new Int32Array(size * (index + 2)), probabilities: new Float32Array(size), backoffs: new Float32Array(size), count: 0 };
  });
  const path: number[] = [];
  const walk = (levelIndex: number, begin: number, end: number): void => {
    const level = levels[levelIndex]!;
    const table = ngrams[levelIndex]!;
    const width = levelIndex + 2;
    const isLongest = levelIndex === levels.length - 1;
    for (let pointer = begin; pointer < end; pointer++) {
      const base = level.start * 8 + pointer * level.totalBits;
      path[levelIndex + 1] = readBits(base, wordBits);
      const quant = base + wordBits;
      const at = table.count++;
      if (at * width + width > table.words.length) fail('more n-grams in the trie than its header declares');
      for (let position = 0; position < width; position++) table.words[at * width + position] = path[width - 1 - position]!;
      if (isLongest) {
        table.probabilities[at] = probabilityTables[levelIndex]![readBits(quant, quantizedBits)]! * log10PerUnit;
      } else {
        // Middle entries pack backoff in the low 16 bits and probability above it.
        table.backoffs[at] = backoffTables[levelIndex]![readBits(quant, quantizedBits)]! * log10PerUnit;
        table.probabilities[at] = probabilityTables[levelIndex]![readBits(quant + quantizedBits, quantizedBits)]! * log10PerUnit;
        const nextBegin = readBits(quant + level.quantBits, level.nextBits);
        const nextEnd = readBits(quant + level.quantBits + level.totalBits, level.nextBits);
        if (nextEnd > nextBegin) walk(levelIndex + 1, nextBegin, nextEnd);
      }
    }
  };
  if (levels.length > 0) {
    for (let word = 0; word < unigramCount; word++) {
      const begin = unigramNext[word]!;
      const end = unigramNext[word + 1]!;
      path[0] = word;
      if (end > begin) walk(0, begin, end);
    }
  }
  return { order, words, unigramProbabilities, unigramBackoffs, ngrams };
}
