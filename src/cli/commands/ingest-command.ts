/** `persona ingest PATH…`: read a person's emails, documents, chats and interviews into the store. */
import type { Command } from 'commander';
import path from 'node:path';
import { ingest } from '../../ingest/ingest-run.js';
import type { IngestSummary } from '../../ingest/ingest-summary.js';
import { openStore } from '../../store/store.js';
import { collect, configFor, printJson } from '../command-context.js';
import { createProgressBar } from '../progress-bar.js';
import { startBackgroundEmbedding } from '../start-background-embedding.js';
import { abortOnSignals } from '../abort-on-signals.js';

interface IngestFlags {
  author: string[];
  persona?: string;
  json?: boolean;
  strict?: boolean;
  chunkTokens?: string;
  chunkOverlap?: string;
  embed: boolean;
}

export function registerIngestCommand(program: Command): void {
  program
    .command('ingest')
    .description('Ingest files and folders (recursively): .eml, .mbox, Maildir, .msg, .pdf, .docx, .txt, .md, .html, ChatGPT conversations.json, interview Q&A files. Unchanged files are skipped; changed files replace what they brought before.')
    .argument('<paths...>', 'files or folders to read')
    .option('-a, --author <address-or-name>', "the persona's email address or name (repeatable); their text is the style corpus", collect, [])
    .option('-p, --persona <id>', 'which persona this corpus belongs to (default: $PERSONA_DEFAULT or "default")')
    .option('--chunk-tokens <n>', 'target chunk size in tokens (default 500)')
    .option('--chunk-overlap <n>', 'tokens repeated between neighbouring chunks (default 60)')
    .option('--json', 'print the summary as JSON on stdout')
    .option('--strict', 'exit with status 1 if any file or message was skipped')
    .option('--no-embed', 'do not start embedding the new chunks in the background (run `persona embed` later)')
    .addHelpText('after', '\nExample:\n  persona ingest ~/mail/archive.mbox ~/Documents/letters --author ada@example.com --author "Ada Quill" --persona ada')
    .action(async (paths: string[], flags: IngestFlags, command: Command) => {
      const config = configFor(command, { persona: flags.persona });
      const chunkTokens = flags.chunkTokens ? Number(flags.chunkTokens) : config.ingest.chunkTokens;
      const overlapTokens = flags.chunkOverlap ? Number(flags.chunkOverlap) : config.ingest.chunkOverlapTokens;
      if (!Number.isInteger(chunkTokens) || chunkTokens <= 0 || !Number.isInteger(overlapTokens) || overlapTokens < 0 || overlapTokens >= chunkTokens) {
        command.error('--chunk-tokens must be a positive integer and --chunk-overlap a smaller non-negative one');
      }
      using store = openStore(config);
      const progressBar = createProgressBar();
      const controller = abortOnSignals('SIGINT');
      let summary: IngestSummary;
      try {
        summary = await ingest({
          store,
          persona: config.persona,
          authors: flags.author,
          inputs: paths,
          chunking: { targetTokens: chunkTokens, overlapTokens },
          limits: { maxFileBytes: config.ingest.maxFileBytes, maxUnzippedBytes: config.ingest.maxUnzippedBytes },
          stallTimeoutMs: config.ingest.parseTimeoutMs,
          signal: controller.signal,
          onProgress: (progress) => {
            const fraction = progress.bytesTotal ? progress.bytesDone / progress.bytesTotal : progress.filesDone / Math.max(1, progress.filesTotal);
            progressBar.update(fraction, `${progress.filesDone}/${progress.filesTotal} files, ${progress.itemsAdded} new items — ${path.basename(progress.file)}`);
          },
        });
      } finally {
        progressBar.done();
        controller.release();
      }
      const background = flags.embed && summary.chunks > 0 ? startBackgroundEmbedding(config.home, config.persona) : undefined;
      if (flags.json) printJson({ ...summary, backgroundEmbedding: background });
      else {
        process.stdout.write(formatSummary(summary, store.file));
        if (background) {
          process.stdout.write(`  embedding:  started in the background (process ${background.pid}, log ${background.log}); \`persona embed\` shows its progress\n`);
        }
      }
      if (flags.strict && (summary.skipped.length > 0 || summary.skippedRecords.length > 0)) process.exitCode = 1;
      // Skipping some files is normal; reading none of what was given is a failed run.
      if (summary.files.ingested + summary.files.unchanged === 0 && summary.skipped.length > 0) {
        process.stderr.write(`persona: nothing could be read: ${summary.skipped.map((skipped) => `${skipped.path}: ${skipped.reason}`).join('; ')}\n`);
        process.exitCode = 1;
      }
    });
}

function formatSummary(summary: IngestSummary, storeFile: string): string {
  const added = Object.entries(summary.added)
    .map(([kind, count]) => `${count} ${kind}${count === 1 ? '' : 's'}`)
    .join(', ');
  const lines = [
    `Ingested for persona "${summary.persona}" into ${storeFile}`,
    `  files:      ${summary.files.seen} seen, ${summary.files.ingested} ingested, ${summary.files.unchanged} unchanged, ${summary.files.skipped} skipped`,
    `  new items:  ${added || 'none'}${summary.duplicates ? ` (${summary.duplicates} duplicates linked, not stored twice)` : ''}`,
    `  persona:    ${summary.personaWords.toLocaleString('en')} words written by the persona`,
    `  chunks:     ${summary.chunks}`,
    `  time:       ${(summary.durationMs / 1000).toFixed(1)} s`,
  ];
  if (summary.skipped.length > 0) {
    lines.push('  skipped files:');
    for (const skipped of summary.skipped) lines.push(`    ${skipped.path}: ${skipped.reason}`);
  }
  if (summary.skippedRecords.length > 0) {
    lines.push('  skipped inside files:');
    for (const skipped of summary.skippedRecords.slice(0, 20)) lines.push(`    ${skipped.path}, ${skipped.position}: ${skipped.reason}`);
    if (summary.skippedRecords.length > 20) lines.push(`    … and ${summary.skippedRecords.length - 20} more (see --json)`);
  }
  return `${lines.join('\n')}\n`;
}
