/**
 * BERT WordPiece tokenization: the basic tokenizer, then greedy longest-match-first
 * sub-words, then `[CLS] … [SEP]` and a padded batch of int64 tensors for the model.
 * Written here rather than taken from a package so that it runs offline with no native code.
 */
import { ConfigError, PersonaError } from '../../errors.js';
import { normalizeBertText, splitBertWords, type BertNormalizerSettings } from './bert-basic-tokenizer.js';

export interface WordPieceSettings {
  vocabulary: ReadonlyMap<string, number>;
  /** `null` when the tokenizer declares no normalizer (cased models exported without one). */
  normalizer: BertNormalizerSettings | null;
  unknownToken: string;
  continuingSubwordPrefix: string;
  /** Longer words become one unknown token, as in BERT. */
  maxCharactersPerWord: number;
  classifierToken: string;
  separatorToken: string;
  paddingToken: string;
}

export const defaultSpecialTokens = {
  unknownToken: '[UNK]',
  continuingSubwordPrefix: '##',
  maxCharactersPerWord: 100,
  classifierToken: '[CLS]',
  separatorToken: '[SEP]',
  paddingToken: '[PAD]',
} as const;

/** A padded batch, row-major [batchSize, sequenceLength], the layout BERT exports expect. */
export interface EncodedBatch {
  inputIds: BigInt64Array;
  attentionMask: BigInt64Array;
  tokenTypeIds: BigInt64Array;
  batchSize: number;
  sequenceLength: number;
}

export interface WordPieceTokenizer {
  /** The longest sequence `encode` returns, counting `[CLS]` and `[SEP]`. */
  readonly maxTokens: number;
  readonly classifierId: number;
  readonly separatorId: number;
  readonly paddingId: number;
  /** Word pieces of a text, without special tokens or truncation. */
  tokenize(text: string): string[];
  /** `[CLS] pieces… [SEP]` as ids; the pieces are cut so that the whole fits in maxTokens. */
  encode(text: string): number[];
  /** Pads encoded sequences to the longest one; padding has attention mask 0. */
  pad(sequences: readonly (readonly number[])[]): EncodedBatch;
  encodeBatch(texts: readonly string[]): EncodedBatch;
}

function requireId(vocabulary: ReadonlyMap<string, number>, token: string): number {
  const id = vocabulary.get(token);
  if (id === undefined) throw new PersonaError('input-unsupported', `the vocabulary has no ${token} token`);
  return id;
}

export function createWordPieceTokenizer(settings: WordPieceSettings, options: { maxTokens: number }): WordPieceTokenizer {
  const { vocabulary, normalizer, continuingSubwordPrefix, maxCharactersPerWord } = settings;
  if (!Number.isInteger(options.maxTokens) || options.maxTokens < 2) {
    throw new ConfigError(`maxTokens must be an integer of at least 2 (room for [CLS] and [SEP]), not ${options.maxTokens}`);
  }
  const unknownToken = settings.unknownToken;
  const unknownId = requireId(vocabulary, unknownToken);
  const classifierId = requireId(vocabulary, settings.classifierToken);
  const separatorId = requireId(vocabulary, settings.separatorToken);
  // Padding positions are masked out, so any id works when a vocabulary lacks [PAD].
  const paddingId = vocabulary.get(settings.paddingToken) ?? 0;
  const maxTokens = options.maxTokens;

  function splitWord(word: string): string[] {
    const characters = Array.from(word);
    if (characters.length > maxCharactersPerWord) return [unknownToken];
    const pieces: string[] = [];
    let start = 0;
    while (start < characters.length) {
      let end = characters.length;
      let match: string | undefined;
      while (start < end) {
        const candidate = (start > 0 ? continuingSubwordPrefix : '') + characters.slice(start, end).join('');
        if (vocabulary.has(candidate)) {
          match = candidate;
          break;
        }
        end -= 1;
      }
      // One piece that matches nothing makes the whole word unknown, not just that piece.
      if (match === undefined) return [unknownToken];
      pieces.push(match);
      start = end;
    }
    return pieces;
  }

  function words(text: string): string[] {
    return splitBertWords(normalizer ? normalizeBertText(text, normalizer) : text);
  }

  function tokenize(text: string): string[] {
    return words(text).flatMap(splitWord);
  }

  function encode(text: string): number[] {
    const ids = [classifierId];
    // Stops at the limit rather than splitting the whole of a long text into pieces first.
    pieces: for (const word of words(text)) {
      for (const piece of splitWord(word)) {
        if (ids.length === maxTokens - 1) break pieces;
        ids.push(vocabulary.get(piece) ?? unknownId);
      }
    }
    ids.push(separatorId);
    return ids;
  }

  function pad(sequences: readonly (readonly number[])[]): EncodedBatch {
    const batchSize = sequences.length;
    const sequenceLength = Math.max(0, ...sequences.map((sequence) => sequence.length));
    const inputIds = new BigInt64Array(batchSize * sequenceLength).fill(BigInt(paddingId));
    const attentionMask = new BigInt64Array(batchSize * sequenceLength);
    const tokenTypeIds = new BigInt64Array(batchSize * sequenceLength);
    sequences.forEach((sequence, row) => {
      sequence.forEach((id, column) => {
        inputIds[row * sequenceLength + column] = BigInt(id);
        attentionMask[row * sequenceLength + column] = 1n;
      });
    });
    return { inputIds, attentionMask, tokenTypeIds, batchSize, sequenceLength };
  }

  return {
    maxTokens,
    classifierId,
    separatorId,
    paddingId,
    tokenize,
    encode,
    pad,
    encodeBatch: (texts) => pad(texts.map(encode)),
  };
}
