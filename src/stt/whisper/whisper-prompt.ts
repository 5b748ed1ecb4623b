/**
 * Whisper's bias: an initial prompt, read by the decoder as if it were the text before the
 * utterance. It holds at most 224 tokens (half the text context; whisper.cpp keeps the
 * last ones), so a persona's corpus cannot go in whole: the prompt is a glossary of its
 * most distinctive terms. Names and places (capitalised runs inside a sentence), words
 * with digits or inner capitals, and long words that recur count most; common words none.
 * Whisper copies the prompt's spelling and style, so a list of terms is also what keeps
 * it from writing "Mira" for "Meera".
 */
import { englishStopWords } from '../../rag/stop-words.js';
import type { SttBias } from '../stt-engine.js';

export interface WhisperPromptOptions {
  /** About 4 characters a token: 600 characters stay well under the 224-token limit. */
  maxCharacters?: number;
}

const wordPattern = /[\p{L}\p{N}][\p{L}\p{N}'’.-]*[\p{L}\p{N}]|[\p{L}\p{N}]/gu;

interface Candidate {
  term: string;
  score: number;
  firstSeen: number;
}

function isCapitalised(word: string): boolean {
  return /^\p{Lu}/u.test(word);
}

function wordWeight(word: string): number {
  if (/\p{N}/u.test(word) || /\p{Ll}\p{Lu}/u.test(word)) return 3;
  if (word.length >= 8) return 1.5;
  if (word.length >= 5) return 1;
  return 0.5;
}

/** Terms of one sentence: runs of capitalised words (not counting the sentence's first word alone) and single words. */
function termsOf(sentence: string): Array<{ term: string; weight: number }> {
  const words = sentence.match(wordPattern) ?? [];
  const terms: Array<{ term: string; weight: number }> = [];
  let run: string[] = [];
  const flush = (startsSentence: boolean): void => {
    if (run.length === 0) return;
    const single = run.length === 1;
    const lower = run[0]!.toLowerCase();
    // "What", "Tell" at a sentence start are capitalised by position, not because they are names.
    if (!(single && (startsSentence || englishStopWords.has(lower)))) terms.push({ term: run.join(' '), weight: single ? 3 : 4 });
    run = [];
  };
  let runStart = 0;
  words.forEach((word, index) => {
    if (isCapitalised(word) && !(englishStopWords.has(word.toLowerCase()) && run.length === 0 && index > 0)) {
      if (run.length === 0) runStart = index;
      run.push(word);
      return;
    }
    flush(runStart === 0);
    const lower = word.toLowerCase();
    if (englishStopWords.has(lower) || lower.length < 4) return;
    terms.push({ term: lower, weight: wordWeight(word) });
  });
  flush(runStart === 0);
  return terms;
}

/** The glossary prompt for a bias, or undefined when the bias has nothing distinctive. */
export function buildWhisperPrompt(bias: SttBias | undefined, options: WhisperPromptOptions = {}): string | undefined {
  if (!bias || bias.phrases.length === 0) return undefined;
  const maxCharacters = options.maxCharacters ?? 600;
  const candidates = new Map<string, Candidate>();
  let position = 0;
  for (const phrase of bias.phrases) {
    for (const sentence of phrase.split(/(?<=[.!?])\s+|\n+/)) {
      for (const { term, weight } of termsOf(sentence)) {
        const key = term.toLowerCase();
        const known = candidates.get(key);
        if (known) {
          known.score += weight;
          // Keep the capitalised spelling when a term is seen both ways.
          if (isCapitalised(term) && !isCapitalised(known.term)) known.term = term;
        } else {
          candidates.set(key, { term, score: weight, firstSeen: position++ });
        }
      }
    }
  }
  const ranked = [...candidates.values()].sort((a, b) => b.score - a.score || a.firstSeen - b.firstSeen);
  const chosen: string[] = [];
  let length = 0;
  for (const { term } of ranked) {
    const added = term.length + (chosen.length ? 2 : 0);
    if (length + added > maxCharacters) continue;
    chosen.push(term);
    length += added;
  }
  if (chosen.length === 0) return undefined;
  return `${chosen.join(', ')}.`;
}
