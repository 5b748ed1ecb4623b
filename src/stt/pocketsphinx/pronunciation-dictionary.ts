/**
 * The CMU pronunciation dictionary as pocketsphinx reads it (`word PH ON ES`, variants as
 * `word(2)`), and a reduced copy holding only a model's vocabulary: the decoder loads a
 * 20k-word dictionary several times faster than the full 134k one.
 */
import { readFile } from 'node:fs/promises';
import { SttError } from '../stt-engine.js';

/** Word → its pronunciations (phone strings), in file order. */
export type PronunciationDictionary = ReadonlyMap<string, readonly string[]>;

const loaded = new Map<string, Promise<PronunciationDictionary>>();

export function loadPronunciationDictionary(file: string): Promise<PronunciationDictionary> {
  let pending = loaded.get(file);
  if (!pending) {
    pending = (async () => {
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (error) {
        throw new SttError('service-unavailable', `cannot read the pronunciation dictionary ${file}: ${(error as Error).message}; install it with apt-get install pocketsphinx-en-us`, { cause: error });
      }
      const dictionary = new Map<string, string[]>();
      for (const line of text.split('\n')) {
        const match = /^(\S+?)(?:\(\d+\))?\s+(.+?)\s*$/.exec(line);
        if (!match) continue;
        const phones = match[2]!.replace(/\s*#.*$/, '');
        const list = dictionary.get(match[1]!);
        if (list) list.push(phones);
        else dictionary.set(match[1]!, [phones]);
      }
      return dictionary;
    })();
    loaded.set(file, pending);
    pending.catch(() => loaded.delete(file));
  }
  return pending;
}

/** Dictionary text for exactly these words, with generated pronunciations for the ones the dictionary lacks. */
export function writeDictionary(words: Iterable<string>, dictionary: PronunciationDictionary, generated: ReadonlyMap<string, string>): string {
  const lines: string[] = [];
  for (const word of words) {
    const pronunciations = dictionary.get(word) ?? (generated.has(word) ? [generated.get(word)!] : []);
    pronunciations.forEach((phones, index) => lines.push(index === 0 ? `${word} ${phones}` : `${word}(${index + 1}) ${phones}`));
  }
  return `${lines.join('\n')}\n`;
}
