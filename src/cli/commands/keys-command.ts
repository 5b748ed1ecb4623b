/** `persona keys create | list | revoke ID`: API keys for the server. */
import type { Command } from 'commander';
import { createApiKey, listApiKeys, revokeApiKey, type ApiKeyRecord } from '../../store/api-key-repository.js';
import { openStore } from '../../store/store.js';
import { configFor, printJson } from '../command-context.js';

export function registerKeysCommand(program: Command): void {
  const keys = program.command('keys').description('API keys for the server: a host app\'s backend uses one to call it, or to mint browser tokens.');
  keys
    .command('create')
    .description('Make a new API key and print it; it is shown this once and stored only as a hash')
    .option('--name <name>', 'what the key is for, shown in listings (e.g. the app that uses it)')
    .option('--json', 'print JSON: {"key", "id", "name"}')
    .action((flags: { name?: string; json?: boolean }, command: Command) => {
      using store = openStore(configFor(command));
      const created = createApiKey(store.database, { name: flags.name });
      if (flags.json) return printJson({ key: created.key, id: created.id, name: created.name ?? null });
      // The key alone on stdout, so `persona keys create > key.txt` keeps just the key.
      process.stdout.write(`${created.key}\n`);
      process.stderr.write(
        `Created API key ${created.id}${created.name ? ` (${created.name})` : ''}. Store it now: it cannot be shown again.\n` +
          `Revoke it with: persona keys revoke ${created.id}\n`,
      );
    });
  keys
    .command('list')
    .description('List the API keys: id, prefix, name, when made, last used, revoked (never the keys themselves)')
    .option('--json', 'print JSON')
    .action((flags: { json?: boolean }, command: Command) => {
      using store = openStore(configFor(command));
      const records = listApiKeys(store.database);
      if (flags.json) return printJson(records);
      if (records.length === 0) return void process.stdout.write('No API keys yet. Make one with: persona keys create --name APP\n');
      printTable(records);
    });
  keys
    .command('revoke')
    .description('Revoke an API key by its id or its listed prefix; session tokens it minted stop working too')
    .argument('<id>', 'the key\'s id or prefix, as `persona keys list` shows them')
    .action((id: string, _flags: unknown, command: Command) => {
      using store = openStore(configFor(command));
      const record = revokeApiKey(store.database, id);
      process.stdout.write(`revoked ${record.id} (${record.prefix}…) at ${record.revokedAt}\n`);
    });
}

function printTable(records: readonly ApiKeyRecord[]): void {
  const when = (timestamp: string | undefined): string => (timestamp ? timestamp.slice(0, 16).replace('T', ' ') : '-');
  const rows = records.map((record) => [record.id, `${record.prefix}…`, when(record.createdAt), when(record.lastUsedAt), when(record.revokedAt), record.name ?? '']);
  const header = ['id', 'prefix', 'created', 'last used', 'revoked', 'name'];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const format = (row: string[]): string => row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!))).join('  ').trimEnd();
  process.stdout.write(`${[format(header), ...rows.map(format)].join('\n')}\n`);
}
