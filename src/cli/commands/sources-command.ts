/** `persona sources`: what the store holds, file by file. */
import type { Command } from 'commander';
import { listSources } from '../../store/source-repository.js';
import { openStore } from '../../store/store.js';
import { configFor, printJson } from '../command-context.js';

export function registerSourcesCommand(program: Command): void {
  program
    .command('sources')
    .description('List the ingested files: type, items, chunks, when ingested.')
    .option('-p, --persona <id>', 'only this persona (default: all)')
    .option('--json', 'print JSON')
    .action((flags: { persona?: string; json?: boolean }, command: Command) => {
      using store = openStore(configFor(command));
      const sources = listSources(store.database, flags.persona);
      if (flags.json) return printJson(sources);
      if (sources.length === 0) {
        process.stdout.write('No sources yet. Add some with: persona ingest PATH --author YOUR@ADDRESS\n');
        return;
      }
      const rows = sources.map((source) => [
        String(source.id),
        source.personaId,
        source.type,
        String(source.itemCount),
        String(source.chunkCount),
        source.ingestedAt.slice(0, 16).replace('T', ' '),
        source.path,
      ]);
      const header = ['id', 'persona', 'type', 'items', 'chunks', 'ingested', 'path'];
      const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
      const format = (row: string[]): string => row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!))).join('  ');
      process.stdout.write(`${[format(header), ...rows.map(format)].join('\n')}\n`);
    });
}
