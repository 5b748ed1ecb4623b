/**
 * `persona forget SOURCE`: remove a source and everything derived from it: its items and
 * chunks, the answers that cited it, its vectors, and the speech-recognition models built
 * from the persona's text. A running server sees the change on its next search.
 */
import type { Command } from 'commander';
import path from 'node:path';
import { describeError, StoreError } from '../../errors.js';
import { removeForgottenVectors } from '../../rag/remove-forgotten-vectors.js';
import { forgetSource, listSources } from '../../store/source-repository.js';
import { openStore } from '../../store/store.js';
import { dropBiasModels } from '../../stt/pocketsphinx/drop-bias-models.js';
import { configFor } from '../command-context.js';

export function registerForgetCommand(program: Command): void {
  program
    .command('forget')
    .description(
      'Remove an ingested source (a file, every file under a folder, or a source id from `persona sources`) with all its items and chunks, the answers that cited it, its vectors and the speech models built from it. Items that another source also holds stay.',
    )
    .argument('<source>', 'a path or a source id')
    .option('-p, --persona <id>', 'only sources of this persona')
    .action(async (source: string, flags: { persona?: string }, command: Command) => {
      const config = configFor(command);
      using store = openStore(config);
      const absolute = path.resolve(source);
      const matches = listSources(store.database, flags.persona).filter(
        (row) => String(row.id) === source || row.path === absolute || row.path.startsWith(`${absolute}${path.sep}`),
      );
      if (matches.length === 0) {
        throw new StoreError('not-found', `No ingested source matches ${source}; see \`persona sources\``);
      }
      for (const match of matches) {
        forgetSource(store.database, match.id);
        process.stdout.write(`forgot ${match.path} (${match.itemCount} items, ${match.chunkCount} chunks)\n`);
      }
      for (const persona of new Set(matches.map((match) => match.personaId))) {
        // Also in a running server's private folder: it rebuilds them from what the store still holds.
        dropBiasModels(persona, { cacheFolder: path.join(config.home, 'cache', 'pocketsphinx') });
        try {
          const removed = await removeForgottenVectors(config, store, persona);
          if (removed > 0) process.stdout.write(`removed ${removed} vectors of persona ${persona}\n`);
        } catch (error) {
          // The store no longer holds the chunks, so no search can return these vectors; the next `persona embed` deletes them.
          process.stderr.write(`warning: the vectors of persona ${persona} could not be removed now (${describeError(error)}); \`persona embed --persona ${persona}\` removes them\n`);
        }
      }
    });
}
