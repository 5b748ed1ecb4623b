/**
 * Removing biased language models: a persona's (what `persona forget` calls) and the
 * plaintext ones older versions left in the persistent cache. Biased models live in each
 * process's private temporary folder (see biased-language-model.ts), so dropping a
 * persona's looks in every live process's folder of this user: a server running beside
 * the `forget` command loses the files too, and builds them again from what the store
 * still holds the next time that persona is heard.
 */
import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { privateTemporaryFolders } from '../../private-temporary-folder.js';
import { biasedModelStem } from './biased-language-model.js';

/** The purpose name of the decoder's private folders. */
export const biasModelPurpose = 'stt';

export interface DropBiasModelsOptions {
  /** The persistent cache (`$PERSONA_HOME/cache/pocketsphinx`): its legacy biased models go too. */
  cacheFolder?: string;
  /** Where the private folders are; default tmpfs or the OS temp folder (tests point elsewhere). */
  root?: string;
}

/** Deletes every biased model built from `persona`'s text; returns how many files went. */
export function dropBiasModels(persona: string, options: DropBiasModelsOptions = {}): number {
  const prefix = `${biasedModelStem(persona, '')}`;
  let removed = 0;
  for (const { folder } of privateTemporaryFolders(biasModelPurpose, options.root)) {
    removed += removeMatching(folder, (name) => name.startsWith(prefix));
  }
  if (options.cacheFolder) removed += removeLegacyBiasedModels(options.cacheFolder);
  return removed;
}

/** Old versions' `biased-KEY.{arpa,dict,json}` in the persistent cache: plaintext corpus words, whoever's they were. */
export function removeLegacyBiasedModels(cacheFolder: string): number {
  return removeMatching(cacheFolder, (name) => name.startsWith('biased-'));
}

function removeMatching(folder: string, matches: (name: string) => boolean): number {
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
  const chosen = names.filter(matches);
  for (const name of chosen) rmSync(path.join(folder, name), { force: true });
  return chosen.length;
}
