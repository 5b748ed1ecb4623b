/**
 * `persona models list|pull`: the model files of models/manifest.json on this machine.
 * Pulling shows each licence and asks once per model; scripts pass --accept-licence.
 */
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { listModels, type ModelListing } from '../../models/list-models.js';
import { defaultManifestFile, findModel, loadModelManifest } from '../../models/model-manifest.js';
import { pullModel, type ChecksumOutcome, type LicencePrompt, type PullEvent } from '../../models/pull-model.js';
import { configFor, printJson } from '../command-context.js';
import { createProgressBar, type ProgressBar } from '../progress-bar.js';
import { abortOnSignals } from '../abort-on-signals.js';

interface ModelsFlags {
  manifest?: string;
}

export function registerModelsCommand(program: Command): void {
  const models = program
    .command('models')
    .description(
      'The model files Persona can use, as listed in models/manifest.json: see what this machine has, download what it lacks. Downloads resume after a cut, are checked against their sha256, and each licence is shown and must be accepted once.',
    )
    .option('--manifest <file>', 'the model manifest to read (default: models/manifest.json of this installation)');

  models
    .command('list')
    .description('List every model with its kind, size, licence and whether its files are present, missing or partly downloaded.')
    .option('--json', 'print the list as JSON')
    .action((flags: { json?: boolean }, command: Command) => {
      const config = configFor(command);
      const listings = listModels(config.modelsFolder, { manifestFile: manifestFileOf(command) });
      if (flags.json) return printJson(listings);
      process.stdout.write(formatListing(listings, config.modelsFolder));
    });

  models
    .command('pull')
    .description(
      'Download models into the models folder ($PERSONA_MODELS, default ./models). Files already present are kept; a partial download resumes. Each file is checked against its sha256: the publisher\'s from the manifest, or the one recorded at this machine\'s first download (models/checksums.json). A wrong checksum deletes the download.',
    )
    .argument('[name...]', 'the models to download (see `persona models list`)')
    .option('--all', 'download every model that has files to download')
    .option('--accept-licence', 'accept the licence of each model without asking, for scripts (the licence is still printed); needed when no terminal can answer')
    .addHelpText(
      'after',
      '\nThe first pull of a model prints its licence and asks for consent, recorded in models/consent.json; non-commercial licences are flagged. Without a terminal (a script, a pipe) and without --accept-licence, the pull fails instead of waiting.\nThis needs internet access to the model hosts; on a machine without it, pull elsewhere and copy models/NAME/ over.',
    )
    .action(async (names: string[], flags: { all?: boolean; acceptLicence?: boolean }, command: Command) => {
      const config = configFor(command);
      const manifestFile = manifestFileOf(command);
      const manifest = loadModelManifest(manifestFile);
      if (flags.all && names.length) command.error('error: name models or pass --all, not both');
      if (!flags.all && !names.length) command.error('error: name the models to pull (`persona models list` shows them), or pass --all');
      // Every name is checked before anything is downloaded.
      const chosen = flags.all ? manifest.models.filter((model) => model.files.length > 0) : names.map((name) => findModel(manifest, name));

      const controller = abortOnSignals('SIGINT', 'SIGTERM');
      const reporter = createPullReporter(flags.acceptLicence === true);
      try {
        for (const model of chosen) {
          if (model.files.length === 0) {
            process.stdout.write(`${model.name}: nothing to download${model.source ? ` (${model.source})` : ''}\n`);
            continue;
          }
          const result = await pullModel(model.name, {
            modelsFolder: config.modelsFolder,
            manifestFile,
            onProgress: reporter.onProgress,
            acceptLicence: licenceAnswer(flags.acceptLicence === true),
            signal: controller.signal,
          });
          const downloaded = result.files.filter((file) => file.status === 'downloaded').length;
          const summary = downloaded === 0 ? 'already present' : `ready (${downloaded} downloaded, ${result.files.length - downloaded} already present)`;
          process.stdout.write(`${model.name}: ${summary} in ${result.folder}\n`);
          if (!model.commercialUse) process.stderr.write(`Reminder: ${model.name} is under a NON-COMMERCIAL licence (${model.licence}).\n`);
        }
      } finally {
        reporter.done();
        controller.release();
      }
    });
}

function manifestFileOf(command: Command): string {
  return command.optsWithGlobals<ModelsFlags>().manifest ?? defaultManifestFile;
}

/**
 * Whom to ask: the flag answers for the user; otherwise only a terminal can. A pipe or a
 * closed stdin gives no answer, and waiting on it would hang a script forever.
 */
function licenceAnswer(acceptedByFlag: boolean): boolean | LicencePrompt {
  if (acceptedByFlag) return true;
  if (!process.stdin.isTTY) return false;
  return (model) =>
    new Promise<boolean>((resolve) => {
      const readline = createInterface({ input: process.stdin, output: process.stderr });
      let settled = false;
      const finish = (accepted: boolean): void => {
        if (settled) return;
        settled = true;
        readline.close();
        resolve(accepted);
      };
      // Ctrl-C and Ctrl-D at the question mean no, rather than pausing or hanging.
      readline.on('SIGINT', () => finish(false));
      readline.on('close', () => finish(false));
      readline.question(`Accept the licence of ${model.name} and download it? [y/N] `, (answer) => finish(/^y(es)?$/i.test(answer.trim())));
    });
}

function createPullReporter(acceptedByFlag: boolean): { onProgress: (event: PullEvent) => void; done: () => void } {
  let bar: ProgressBar | undefined;
  const clear = (): void => bar?.done();
  return {
    onProgress(event) {
      switch (event.type) {
        case 'licence':
          clear();
          process.stderr.write(`\n${event.notice}`);
          if (acceptedByFlag) process.stderr.write('Accepted with --accept-licence.\n');
          process.stderr.write('\n');
          break;
        case 'file-start':
          clear();
          bar = createProgressBar();
          break;
        case 'bytes': {
          const of = event.totalBytes ? ` / ${formatBytes(event.totalBytes)}` : '';
          bar?.update(event.totalBytes ? event.receivedBytes / event.totalBytes : 0, `${event.model}/${event.path} ${formatBytes(event.receivedBytes)}${of}`);
          break;
        }
        case 'restart':
          clear();
          process.stderr.write(`${event.model}/${event.path}: ${event.reason}; starting over\n`);
          break;
        case 'retry':
          clear();
          process.stderr.write(`${event.reason}\n  retrying in ${Math.round(event.delayMs / 1000)} s (attempt ${event.attempt})\n`);
          break;
        case 'file-done': {
          clear();
          const resumed = event.resumedFromBytes ? `, resumed at ${formatBytes(event.resumedFromBytes)}` : '';
          process.stdout.write(`${event.model}/${event.path}: downloaded ${formatBytes(event.sizeBytes)}${resumed}; ${describeChecksum(event.checksum)} (${event.sha256})\n`);
          break;
        }
        case 'file-present':
          break;
      }
    },
    done: clear,
  };
}

function describeChecksum(outcome: ChecksumOutcome): string {
  if (outcome === 'verified-manifest') return "sha256 matches the publisher's";
  if (outcome === 'verified-recorded') return 'sha256 matches the one recorded at the first download';
  return 'first download: sha256 recorded in checksums.json';
}

function formatListing(listings: ModelListing[], modelsFolder: string): string {
  const rows = listings.map((listing) => {
    const partial = listing.files.filter((file) => file.status === 'partial');
    const detail = partial.map((file) => `${file.path}: ${formatBytes(file.bytesOnDisk)} so far`).join(', ');
    return [
      listing.name,
      listing.kind,
      listing.status,
      listing.status === 'bundled' ? '-' : listing.expectedSizeBytes === null ? '?' : formatBytes(listing.expectedSizeBytes),
      `${listing.commercialUse ? '' : 'NON-COMMERCIAL: '}${listing.licence}${detail ? `  (${detail})` : ''}`,
    ];
  });
  const header = ['MODEL', 'KIND', 'STATUS', 'SIZE', 'LICENCE'];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]?.length ?? 0)));
  const line = (cells: string[]): string =>
    cells.map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column] ?? 0))).join('  ');
  return `${[line(header), ...rows.map(line)].join('\n')}\n\nModels folder: ${modelsFolder}\nDownload with: persona models pull NAME  (persona models pull --help)\n`;
}

function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = -1;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 2 : 1)} ${units[unit]}`;
}
