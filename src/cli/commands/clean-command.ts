/** `persona clean FILE`: show what cleaning keeps of one file, without storing anything. */
import type { Command } from 'commander';
import { loadConfig } from '../../config.js';
import { InputError } from '../../errors.js';
import { chooseReader } from '../../ingest/choose-reader.js';
import { cleanRecord, type CleanedRecord } from '../../ingest/clean-record.js';
import { createPersonaIdentity } from '../../ingest/persona-identity.js';
import { collect, printJson } from '../command-context.js';

export function registerCleanCommand(program: Command): void {
  program
    .command('clean')
    .description('Print the cleaned text of one file (quotes, signatures, disclaimers, footers and greetings removed) and what was removed. Nothing is stored.')
    .argument('<file>', 'an email (.eml, .msg, .mbox, Maildir file) or any other supported file')
    .option('--json', 'print {"text", "author", "subject", "date", "removed": {...}} (an array when the file holds several messages)')
    .option('-a, --author <address-or-name>', "the persona's address or name, to mark whether each message is theirs", collect, [])
    .action(async (file: string, flags: { json?: boolean; author: string[] }) => {
      const config = loadConfig();
      const limits = { maxFileBytes: config.ingest.maxFileBytes, maxUnzippedBytes: config.ingest.maxUnzippedBytes };
      const choice = await chooseReader(file, limits);
      if ('skip' in choice) throw new InputError('input-unsupported', file, choice.skip);
      const identity = createPersonaIdentity(flags.author);
      const results: CleanedRecord[] = [];
      for await (const record of choice.reader.read(file, { limits })) {
        if (record.kind === 'skipped') {
          process.stderr.write(`persona: ${file}, ${record.position}: skipped: ${record.reason}\n`);
          continue;
        }
        results.push(cleanRecord(record, identity));
      }
      if (flags.json) printJson(results.length === 1 ? results[0] : results);
      else process.stdout.write(results.map(formatCleaned).join('\n\n──────────\n\n') + '\n');
    });
}

function formatCleaned(result: CleanedRecord): string {
  const header = [
    result.author ? `From:    ${result.author}${result.isPersona ? ' (the persona)' : ''}` : undefined,
    result.subject ? `Subject: ${result.subject}` : undefined,
    result.date ? `Date:    ${result.date}` : undefined,
    result.greeting ? `Greeting: ${result.greeting}` : undefined,
    result.signOff ? `Sign-off: ${result.signOff}` : undefined,
    `Removed lines: ${Object.entries(result.removed).map(([rule, count]) => `${rule} ${count}`).join(', ')}`,
  ].filter(Boolean);
  return `${header.join('\n')}\n\n${result.text}`;
}
