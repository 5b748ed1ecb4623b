/**
 * USE lite's sentencepiece (unigram) tokenizer, giving the same ids as the one in
 * `@energetic-ai/embeddings`, but in time linear in the text and cut at `maxTokens`.
 *
 * The library's `Tokenizer.encode` copies the rest of the text at every character
 * (`symbols.slice(i)`), so it is quadratic: a 6,000-character text costs ~20 ms, a
 * 100 KB one seconds, all of it blocking. The model itself has no length limit, so
 * the limit is ours: see `useLiteMaxTokens` in use-lite-embedder.ts.
 */

/** Piece, score. The first `reservedPieces` entries are control symbols, never matched. */
export type SentencePieceVocabulary = ReadonlyArray<readonly [string, number]>;

export interface SentencePieceTokenizer {
  /** Piece ids of `text`, at most `maxTokens` of them, never none (see `emptyTextId`). */
  encode(text: string, maxTokens: number): number[];
}

const wordSeparator = '\u2581';
const reservedPieces = 6;
const unknownId = 0;

interface TrieNode {
  children: Map<string, TrieNode>;
  /** Vocabulary index when a piece ends here. */
  id?: number;
}

export function createSentencePieceTokenizer(vocabulary: SentencePieceVocabulary): SentencePieceTokenizer {
  const root: TrieNode = { children: new Map() };
  let longestPiece = 1;
  for (let id = reservedPieces; id < vocabulary.length; id++) {
    const piece = [...vocabulary[id]![0]];
    longestPiece = Math.max(longestPiece, piece.length);
    let node = root;
    for (const symbol of piece) {
      let child = node.children.get(symbol);
      if (!child) node.children.set(symbol, (child = { children: new Map() }));
      node = child;
    }
    node.id = id;
  }
  // An empty text would give the model a row with no values: its sparse input would then
  // have one row fewer than the batch and the vectors would shift. A lone separator is
  // the closest thing to "nothing" the vocabulary has.
  const emptyTextId = vocabulary.findIndex(([piece]) => piece === wordSeparator);
  if (emptyTextId < 0) throw new Error(`the USE lite vocabulary has no "${wordSeparator}" piece`);

  function encode(text: string, maxTokens: number): number[] {
    // Every piece spans at most `longestPiece` symbols, so a prefix of that many symbols per
    // wanted piece still yields them all; only pieces past the cut can differ. A symbol is
    // at most two UTF-16 units, and NFKC rarely merges more than two into one: hence ×4.
    const symbolLimit = Math.min(maxTokens, Math.floor(Number.MAX_SAFE_INTEGER / (longestPiece * 4))) * longestPiece;
    const normalized = (text.length > symbolLimit * 4 ? text.slice(0, symbolLimit * 4) : text).normalize('NFKC');
    if (normalized.length === 0) return [emptyTextId];
    const symbols = [...(wordSeparator + normalized.replaceAll(' ', wordSeparator))].slice(0, symbolLimit);
    return truncate(mergeUnknowns(viterbi(symbols)), maxTokens);
  }

  /**
   * The best segmentation, with the library's exact tie-breaking: candidates ending at a
   * position are visited by start position, ascending; a score of 0 counts as "none yet";
   * ties go to the later candidate; an unmatched symbol is the unknown piece, scored 0.
   */
  function viterbi(symbols: readonly string[]): number[] {
    const count = symbols.length;
    // Candidates ending at each position, pushed in ascending start order: [start, id, score].
    const endingAt: Array<Array<[number, number, number]>> = Array.from({ length: count + 1 }, () => []);
    for (let start = 0; start < count; start++) {
      let node = root.children.get(symbols[start]!);
      let matched = false;
      for (let end = start + 1; node; end++) {
        if (node.id !== undefined) {
          endingAt[end]!.push([start, node.id, vocabulary[node.id]![1]]);
          matched = true;
        }
        node = end < count ? node.children.get(symbols[end]!) : undefined;
      }
      if (!matched) endingAt[start + 1]!.push([start, unknownId, 0]);
    }
    const best = new Float64Array(count + 1);
    const bestId = new Int32Array(count + 1);
    for (let end = 0; end <= count; end++) {
      for (const [start, id, score] of endingAt[end]!) {
        const total = score + best[start]!;
        if (best[end] === 0 || total >= best[end]!) {
          best[end] = total;
          bestId[end] = id;
        }
      }
    }
    // Walks back by the piece's length in UTF-16 units, as the library does; the
    // vocabulary has no characters outside the BMP, so that equals its symbol count.
    const reversed: number[] = [];
    for (let position = count; position > 0; ) {
      const id = bestId[position]!;
      reversed.push(id);
      position -= vocabulary[id]![0].length;
    }
    return reversed.reverse();
  }

  return { encode };
}

/** A run of unknown symbols (Tamil, emoji…) is one unknown piece, as in the library. */
function mergeUnknowns(ids: readonly number[]): number[] {
  return ids.filter((id, index) => !(id === unknownId && ids[index - 1] === unknownId));
}

function truncate(ids: number[], maxTokens: number): number[] {
  return ids.length > maxTokens ? ids.slice(0, maxTokens) : ids;
}
