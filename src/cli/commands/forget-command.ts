/** `persona forget SOURCE`: remove a source and every item and chunk it brought. */
import type { Command } from 'commander';
import path from 'node:path';
import { StoreError } from '../../errors.js';
import { forgetSource, listSources } from '../../store/source-repository.js';
import { openStore } from '../../store/store.js';
import { configFor } from '../command-context.js';

export function registerForgetCommand(program: Command): void {
  program
    .command('forget')
    .description('Remove an ingested source (a file, every file under a folder, or a source id from `persona sources`) with all its items and chunks. Items that another source also holds stay.')
    .argument('<source>', 'a path or a source id')
    .option('-p, --persona <id>', 'only sources of this persona')
    .action((source: string, flags: { persona?: string }, command: Command) => {
      using store = openStore(configFor(command));
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
    });
}
