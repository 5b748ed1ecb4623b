/** Content words for naming and matching modes: lower-cased letters of any script, stop words and short tokens dropped. */
import { englishStopWords } from '../../rag/stop-words.js';

/** Words that carry no topic but fill every kind of message. */
const fillerWords = new Set(['also', 'just', 'like', 'will', 'one', 'get', 'got', 'let', 'know', 'think', 'well', 'really', 'still', 'much', 'even', 'can', 're', 've', 'll', 'don', 'didn', 'doesn', 'isn', 'won', 'im']);

export function contentTerms(text: string): string[] {
  return (text.toLowerCase().normalize('NFKC').match(/[\p{L}\p{M}][\p{L}\p{M}\p{N}'’-]*/gu) ?? [])
    .map((word) => word.replace(/['’](s|t|re|ve|ll|d|m)$/u, '').replace(/['’-]+$/u, ''))
    .filter((word) => [...word].length >= 3 && !englishStopWords.has(word) && !fillerWords.has(word));
}
