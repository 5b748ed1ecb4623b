/**
 * Pronunciations for words the CMU dictionary lacks (names such as "Meera", "Kaveri"),
 * from espeak-ng's IPA output mapped onto the CMU phone set. espeak-ng is already a
 * dependency of the embedded TTS; when it is missing, no words are generated.
 */
import { execFile } from 'node:child_process';

/** IPA → CMU phones, longest match first. Stress and length marks are dropped before matching. */
const ipaToCmu: [string, string][] = [
  ['tʃ', 'CH'], ['dʒ', 'JH'], ['eɪ', 'EY'], ['aɪ', 'AY'], ['ɔɪ', 'OY'], ['aʊ', 'AW'], ['oʊ', 'OW'], ['əʊ', 'OW'],
  ['ɪɹ', 'IH R'], ['ɛɹ', 'EH R'], ['ʊɹ', 'UH R'], ['ɑɹ', 'AA R'], ['ɔɹ', 'AO R'], ['oɹ', 'AO R'], ['ɚɹ', 'ER'], ['ɜɹ', 'ER'],
  ['ɪə', 'IH AH'], ['eə', 'EH R'], ['ʊə', 'UH R'],
  ['i', 'IY'], ['ɪ', 'IH'], ['ᵻ', 'IH'], ['e', 'EY'], ['ɛ', 'EH'], ['æ', 'AE'], ['a', 'AA'], ['ɑ', 'AA'], ['ɒ', 'AA'],
  ['ɔ', 'AO'], ['o', 'OW'], ['ʊ', 'UH'], ['u', 'UW'], ['ʌ', 'AH'], ['ə', 'AH'], ['ɐ', 'AH'], ['ɜ', 'ER'], ['ɚ', 'ER'],
  ['p', 'P'], ['b', 'B'], ['t', 'T'], ['d', 'D'], ['k', 'K'], ['ɡ', 'G'], ['g', 'G'], ['f', 'F'], ['v', 'V'],
  ['θ', 'TH'], ['ð', 'DH'], ['s', 'S'], ['z', 'Z'], ['ʃ', 'SH'], ['ʒ', 'ZH'], ['h', 'HH'], ['m', 'M'], ['n', 'N'],
  ['ŋ', 'NG'], ['l', 'L'], ['ɫ', 'L'], ['ɹ', 'R'], ['r', 'R'], ['ɾ', 'T'], ['j', 'Y'], ['w', 'W'], ['x', 'K'], ['ç', 'HH'],
];

/** CMU phones of one IPA transcription, or undefined when a symbol has no mapping. */
export function ipaToPhones(ipa: string): string | undefined {
  const cleaned = ipa.normalize('NFD').replace(/[ˈˌːˑ\u200d\u0361\u032f\u0329\u0306\s-]/g, '');
  const phones: string[] = [];
  let at = 0;
  while (at < cleaned.length) {
    const match = ipaToCmu.find(([symbol]) => cleaned.startsWith(symbol, at));
    if (!match) return undefined;
    phones.push(...match[1].split(' '));
    at += match[0].length;
  }
  // A doubled phone (espeak's "ɹɹ") is one sound.
  const merged = phones.filter((phone, index) => phone !== phones[index - 1]);
  return merged.length > 0 ? merged.join(' ') : undefined;
}

/** Asks espeak-ng for every word at once (one clause per line); words it cannot voice are left out. */
export function generatePronunciations(words: readonly string[], espeakBinary = 'espeak-ng', signal?: AbortSignal): Promise<Map<string, string>> {
  const result = new Map<string, string>();
  if (words.length === 0) return Promise.resolve(result);
  return new Promise((resolve) => {
    const child = execFile(espeakBinary, ['-q', '--ipa', '-v', 'en-us', '--stdin'], { signal, maxBuffer: 16 * 1024 ** 2 }, (error, stdout) => {
      if (error) return resolve(result);
      const lines = stdout.split('\n').map((line) => line.trim()).filter(Boolean);
      if (lines.length !== words.length) return resolve(result);
      words.forEach((word, index) => {
        const phones = ipaToPhones(lines[index]!);
        if (phones) result.set(word, phones);
      });
      resolve(result);
    });
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(words.map((word) => `${word}.`).join('\n'));
  });
}
