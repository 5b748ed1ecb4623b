/**
 * Signature words and phrases: what a writer says far more often than general English does,
 * and repeats across messages (one long email's topic is not a habit).
 */
import type { englishBackground } from './english-background.js';
import type { Fingerprint } from './fingerprint-shape.js';
import { round } from './fingerprint-statistics.js';
import { FUNCTION_WORD_SET } from './function-words.js';

const SIGNATURE_WORD_LIMIT = 20;
const SIGNATURE_PHRASE_LIMIT = 15;
/** A signature word is used at least this many times more often than in general English. */
const SIGNATURE_MIN_RATIO = 5;
const ARTICLES = new Set(['the', 'a', 'an']);

export interface NgramCount {
  count: number;
  messages: number;
  lastMessage: number;
}

export function countIn(counts: Map<string, NgramCount>, key: string, messageIndex: number): void {
  const entry = counts.get(key);
  if (!entry) {
    counts.set(key, { count: 1, messages: 1, lastMessage: messageIndex });
    return;
  }
  entry.count += 1;
  if (entry.lastMessage !== messageIndex) {
    entry.messages += 1;
    entry.lastMessage = messageIndex;
  }
}


/** Repeated in more than one message, when there is more than one: one long email's topic is not a habit. */
function repeated(entry: NgramCount, messageCount: number): boolean {
  return entry.count >= 2 && (messageCount < 2 || entry.messages >= 2);
}

/**
 * Ranked by count × ln(ratio against general English): frequent and distinctive both
 * matter, and a word barely above its English rate never qualifies.
 */
export function signatureWords(
  counts: Map<string, number>,
  messagesOf: Map<string, NgramCount>,
  total: number,
  messageCount: number,
  background: ReturnType<typeof englishBackground>,
): Fingerprint['signatureWords'] {
  const candidates: (Fingerprint['signatureWords'][number] & { score: number })[] = [];
  for (const [word, count] of counts) {
    if ([...word].length < 2 || FUNCTION_WORD_SET.has(word) || background.isCommon(word)) continue;
    if (!repeated(messagesOf.get(word)!, messageCount)) continue;
    const against = count / total / background.probability(word);
    if (against < SIGNATURE_MIN_RATIO) continue;
    candidates.push({ word, count, perThousandWords: round((count * 1000) / total, 2), backgroundRatio: round(against, 1), score: count * Math.log(against) });
  }
  return candidates
    .sort((a, b) => b.score - a.score || a.word.localeCompare(b.word))
    .slice(0, SIGNATURE_WORD_LIMIT)
    .map(({ score: _score, ...word }) => word);
}

/**
 * Ranked by count × (1 + words in it beyond the commonest English ones): "filter coffee"
 * and "to be honest" qualify, "of the" never does. A two-word phrase found only inside a
 * kept three-word one, as often, is left out as a duplicate.
 */
export function signaturePhrases(
  ngrams: Map<string, NgramCount>,
  messageCount: number,
  background: ReturnType<typeof englishBackground>,
): Fingerprint['signaturePhrases'] {
  const scored: { phrase: string; count: number; messages: number; score: number }[] = [];
  for (const [phrase, entry] of ngrams) {
    if (!repeated(entry, messageCount)) continue;
    const parts = phrase.split(' ');
    // "the deck" is the word "deck" again, not a phrase.
    if (ARTICLES.has(parts[0]!) || ARTICLES.has(parts.at(-1)!)) continue;
    const uncommon = parts.filter((part) => !FUNCTION_WORD_SET.has(part) && !background.isCommon(part)).length;
    if (uncommon === 0) continue;
    scored.push({ phrase, count: entry.count, messages: entry.messages, score: entry.count * (1 + uncommon) });
  }
  scored.sort((a, b) => b.score - a.score || b.phrase.length - a.phrase.length || a.phrase.localeCompare(b.phrase));
  const kept: typeof scored = [];
  for (const candidate of scored) {
    if (kept.length === SIGNATURE_PHRASE_LIMIT) break;
    const inside = kept.some((longer) => longer.count === candidate.count && ` ${longer.phrase} `.includes(` ${candidate.phrase} `));
    if (!inside) kept.push(candidate);
  }
  return kept.map(({ phrase, count, messages }) => ({ phrase, count, messages }));
}
