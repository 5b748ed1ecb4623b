/**
 * What the engine knows about each supported sentence model beyond its files: how many
 * tokens to feed it by default, the most it accepts, and the text it expects in front of
 * a passage or a question.
 */
import type { EmbeddingPurpose } from '../embedder.js';

export interface EmbeddingModelProfile {
  /** Tokens fed by default, counting [CLS] and [SEP]. */
  defaultMaxTokens: number;
  /** The most the model's position embeddings allow; a larger maxTokens is lowered to this. */
  tokenCeiling: number;
  prefixes: Record<EmbeddingPurpose, string>;
}

const noPrefixes: Record<EmbeddingPurpose, string> = { document: '', query: '' };

export const embeddingModelProfiles: Readonly<Record<string, EmbeddingModelProfile>> = {
  // sentence-transformers truncates at 256 (its max_seq_length), below BERT's 512 positions.
  'all-MiniLM-L6-v2': { defaultMaxTokens: 256, tokenCeiling: 512, prefixes: noPrefixes },
  // nomic accepts 8192 tokens, but attention cost grows with the square of the length and
  // chunks are far shorter, so 512 is the default; raise it with maxTokens.
  'nomic-embed-text-v1.5': {
    defaultMaxTokens: 512,
    tokenCeiling: 8192,
    prefixes: { document: 'search_document: ', query: 'search_query: ' },
  },
};

/** Any other BERT-family model: its tokenizer's truncation length, else BERT's 512. */
export function embeddingModelProfile(model: string, truncationLength: number | undefined): EmbeddingModelProfile {
  const known = embeddingModelProfiles[model];
  if (known) return known;
  const length = truncationLength ?? 512;
  return { defaultMaxTokens: length, tokenCeiling: Math.max(length, 512), prefixes: noPrefixes };
}
