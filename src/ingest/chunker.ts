/**
 * Sentence-aware chunking: chunks of about `targetTokens` estimated tokens, with
 * `overlapTokens` of whole trailing sentences repeated at the start of the next chunk.
 * A sentence longer than a chunk is cut between words, never inside one.
 */
export interface ChunkOptions {
  targetTokens: number;
  overlapTokens: number;
}

export interface TextChunk {
  text: string;
  tokenCount: number;
}

const sentenceSegmenter = new Intl.Segmenter(undefined, { granularity: 'sentence' });
const wordPattern = /\S+/gu;
/** ICU ends a sentence after "Dr." and "e.g."; these never end one in practice. */
const abbreviationAtEnd = /(?:^|[\s(])(?:mr|mrs|ms|dr|prof|st|sr|jr|vs|etc|inc|ltd|co|no|fig|approx|dept|e\.g|i\.e|[a-z])\.\s*$/i;

export function chunkText(text: string, options: ChunkOptions): TextChunk[] {
  const trimmed = text.trim();
  if (!trimmed) return [];
  const wholeCount = estimateTokens(trimmed);
  if (wholeCount <= options.targetTokens) return [{ text: trimmed, tokenCount: wholeCount }];

  const sentences = splitSentences(trimmed).flatMap((sentence) => splitLongSentence(sentence, options.targetTokens));
  const chunks: TextChunk[] = [];
  let current: Sentence[] = [];
  let currentTokens = 0;
  for (const sentence of sentences) {
    if (currentTokens + sentence.tokens > options.targetTokens && current.length > 0) {
      chunks.push(toChunk(current));
      current = overlapTail(current, options.overlapTokens, options.targetTokens - sentence.tokens);
      currentTokens = current.reduce((sum, item) => sum + item.tokens, 0);
    }
    current.push(sentence);
    currentTokens += sentence.tokens;
  }
  if (current.length > 0) chunks.push(toChunk(current));
  return chunks;
}

/**
 * An estimate close to a Llama-family BPE tokenizer without loading one: about four
 * characters a token in Latin script, two elsewhere (Tamil, CJK and friends split finer).
 */
export function estimateTokens(text: string): number {
  let tokens = 0;
  for (const match of text.matchAll(wordPattern)) {
    const word = match[0];
    // eslint-disable-next-line no-control-regex
    const perToken = /^[\x00-\x7f]*$/.test(word) ? 4 : 2;
    tokens += Math.max(1, Math.ceil(word.length / perToken));
  }
  return tokens;
}

interface Sentence {
  text: string;
  tokens: number;
}

function splitSentences(text: string): Sentence[] {
  const sentences: Sentence[] = [];
  for (const segment of sentenceSegmenter.segment(text)) {
    const sentence = segment.segment;
    if (!sentence.trim()) {
      const last = sentences.at(-1);
      if (last) last.text += sentence;
      continue;
    }
    const previous = sentences.at(-1);
    if (previous && abbreviationAtEnd.test(previous.text)) {
      previous.text += sentence;
      previous.tokens += estimateTokens(sentence);
      continue;
    }
    sentences.push({ text: sentence, tokens: estimateTokens(sentence) });
  }
  return sentences;
}

function splitLongSentence(sentence: Sentence, targetTokens: number): Sentence[] {
  if (sentence.tokens <= targetTokens) return [sentence];
  const pieces: Sentence[] = [];
  let piece = '';
  let pieceTokens = 0;
  for (const match of sentence.text.matchAll(/\S+\s*/gu)) {
    const word = match[0];
    const wordTokens = estimateTokens(word);
    if (pieceTokens + wordTokens > targetTokens && piece) {
      pieces.push({ text: piece, tokens: pieceTokens });
      piece = '';
      pieceTokens = 0;
    }
    piece += word;
    pieceTokens += wordTokens;
  }
  if (piece) pieces.push({ text: piece, tokens: pieceTokens });
  return pieces;
}

/** The trailing sentences that fit in the overlap, and leave room for the next sentence. */
function overlapTail(sentences: Sentence[], overlapTokens: number, room: number): Sentence[] {
  const budget = Math.min(overlapTokens, room);
  const tail: Sentence[] = [];
  let tokens = 0;
  for (let index = sentences.length - 1; index >= 0; index -= 1) {
    const sentence = sentences[index]!;
    if (tokens + sentence.tokens > budget) break;
    tail.unshift(sentence);
    tokens += sentence.tokens;
  }
  return tail;
}

function toChunk(sentences: Sentence[]): TextChunk {
  const text = sentences.map((sentence) => sentence.text).join('').trim();
  return { text, tokenCount: sentences.reduce((sum, sentence) => sum + sentence.tokens, 0) };
}
