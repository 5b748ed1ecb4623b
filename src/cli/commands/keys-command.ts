/** `persona keys create | list | revoke ID | token`: API keys for the server, and browser tokens signed for one. */
import type { Command } from 'commander';
import { PersonaError } from '../../errors.js';
import { createSessionTokens, maximumSessionTokenSeconds } from '../../server/auth/session-token.js';
import { readOrCreateTokenSecret } from '../../server/auth/token-secret.js';
import { createApiKey, listApiKeys, revokeApiKey, type ApiKeyRecord } from '../../store/api-key-repository.js';
import type { SqliteDatabase } from '../../store/open-database.js';
import { findPersona } from '../../store/persona-repository.js';
import { openStore } from '../../store/store.js';
import { configFor, printJson } from '../command-context.js';

/** The API key that `keys token` signs for: revoking it ends every token printed that way. */
export const webAppKeyName = 'pwa';

/** A working day: long enough for the web app to stay open, short for a credential printed in a terminal. */
export const defaultWebTokenSeconds = 8 * 60 * 60;

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
  keys
    .command('token')
    .description(`Print a session token for the web app (as POST /v1/tokens mints), signed for the API key named "${webAppKeyName}" (made on first use)`)
    .option('--persona <id>', 'the only persona the token may talk to (default: any)')
    .option('--ttl <seconds>', `how long the token lasts, at most ${maximumSessionTokenSeconds} (default ${defaultWebTokenSeconds}, 8 hours)`)
    .option('--url <base>', 'also print the web app link BASE/#token=… (e.g. http://localhost:8080)')
    .option('--json', 'print JSON: {"token", "expiresAt", "keyId", "persona", "url"}')
    .action((flags: { persona?: string; ttl?: string; url?: string; json?: boolean }, command: Command) => {
      const config = configFor(command);
      const ttlSeconds = parseTtl(flags.ttl);
      const base = flags.url === undefined ? undefined : parseBaseUrl(flags.url);
      using store = openStore(config);
      if (flags.persona !== undefined && !findPersona(store.database, flags.persona)) {
        throw new PersonaError('not-found', `--persona: persona "${flags.persona}" does not exist in this store (ingest it first: persona ingest --persona ${flags.persona} …)`);
      }
      const key = webAppKey(store.database);
      const tokens = createSessionTokens({ secret: readOrCreateTokenSecret(config.home) });
      const minted = tokens.mint({ keyId: key.id, ttlSeconds, ...(flags.persona === undefined ? {} : { persona: flags.persona }) });
      // In the fragment, not the query: browsers never send a fragment to the server, so it stays out of logs and Referers.
      const url = base === undefined ? undefined : `${base}/#token=${encodeURIComponent(minted.token)}`;
      if (flags.json) {
        return printJson({ token: minted.token, expiresAt: minted.expiresAt.toISOString(), keyId: key.id, persona: flags.persona ?? null, url: url ?? null });
      }
      process.stdout.write(`${minted.token}\n${url === undefined ? '' : `${url}\n`}`);
      process.stderr.write(
        `Session token${flags.persona === undefined ? ' for any persona' : ` for persona "${flags.persona}"`}, valid until ${minted.expiresAt.toISOString()}.\n` +
          `Paste it into the web app${url === undefined ? ' (or pass --url BASE for a link that carries it)' : ', or open the link'}. ` +
          `To end every token printed this way: persona keys revoke ${key.id}\n`,
      );
    });
}

/** The unrevoked key named "pwa", else a new one; its plain key is never needed, since a token names only the key's id. */
function webAppKey(database: SqliteDatabase): ApiKeyRecord {
  const existing = listApiKeys(database).find((record) => record.name === webAppKeyName && record.revokedAt === undefined);
  if (existing) return existing;
  const { key: _plainKey, ...record } = createApiKey(database, { name: webAppKeyName });
  return record;
}

function parseTtl(value: string | undefined): number {
  if (value === undefined) return defaultWebTokenSeconds;
  const seconds = /^\d+$/.test(value.trim()) ? Number(value.trim()) : Number.NaN;
  if (!Number.isSafeInteger(seconds) || seconds < 1 || seconds > maximumSessionTokenSeconds) {
    throw new PersonaError('input-unsupported', `--ttl must be a whole number of seconds from 1 to ${maximumSessionTokenSeconds} (24 hours); it is "${value}"`);
  }
  return seconds;
}

function parseBaseUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new PersonaError('input-unsupported', `--url must be the server's address, like http://localhost:8080; "${value}" is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new PersonaError('input-unsupported', `--url must start with http:// or https://; it is "${value}"`);
  }
  if (url.search !== '' || url.hash !== '') {
    throw new PersonaError('input-unsupported', `--url must be a base address without ?query or #fragment; it is "${value}"`);
  }
  return url.href.replace(/\/+$/, '');
}

function printTable(records: readonly ApiKeyRecord[]): void {
  const when = (timestamp: string | undefined): string => (timestamp ? timestamp.slice(0, 16).replace('T', ' ') : '-');
  const rows = records.map((record) => [record.id, `${record.prefix}…`, when(record.createdAt), when(record.lastUsedAt), when(record.revokedAt), record.name ?? '']);
  const header = ['id', 'prefix', 'created', 'last used', 'revoked', 'name'];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const format = (row: string[]): string => row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!))).join('  ').trimEnd();
  process.stdout.write(`${[format(header), ...rows.map(format)].join('\n')}\n`);
}
