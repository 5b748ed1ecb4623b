/** `persona dataset export`: the persona's chat-format training data, split by thread, for `workers/train`. */
import type { Command } from 'commander';
import path from 'node:path';
import { buildDataset, defaultSeed, defaultValidationShare } from '../../persona/dataset/build-dataset.js';
import { datasetManifest, writeDataset } from '../../persona/dataset/write-dataset.js';
import { openStore } from '../../store/store.js';
import { configFor, printJson } from '../command-context.js';

interface ExportFlags {
  persona?: string;
  mode?: string;
  withFeedback?: boolean;
  mask?: boolean;
  validation: string;
  seed: string;
  out: string;
  json?: boolean;
}

export function registerDatasetCommand(program: Command): void {
  const dataset = program.command('dataset').description('Training data for a LoRA adapter of the persona.');
  dataset
    .command('export')
    .description(
      'Write DIR/train.jsonl, DIR/validation.jsonl ({"messages": [system, user, assistant]} per line, the persona always the assistant) and DIR/manifest.json, from interview answers, e-mail replies and chat turns. Threads never straddle the split.',
    )
    .requiredOption('--out <dir>', 'the folder to write (created if missing)')
    .option('-p, --persona <id>', 'the persona (default: $PERSONA_DEFAULT or "default")')
    .option('--mode <mode>', 'only examples in this persona mode (see: persona modes list), with its system prompt')
    .option('--with-feedback', 'add answers corrected through POST /v1/feedback')
    .option('--mask', "replace other people's phone numbers and e-mail/postal addresses with [phone], [email], [address]")
    .option('--validation <share>', 'share of threads held out for validation, 0 to below 1', String(defaultValidationShare))
    .option('--seed <n>', 'seed of the split', String(defaultSeed))
    .option('--json', 'print the manifest as JSON')
    .action(async (flags: ExportFlags, command: Command) => {
      const validationShare = Number(flags.validation);
      if (flags.validation.trim() === '' || !Number.isFinite(validationShare) || validationShare < 0 || validationShare >= 1) {
        command.error(`--validation must be a number from 0 to below 1, not "${flags.validation}"`);
      }
      const seed = Number(flags.seed);
      if (!/^-?\d+$/.test(flags.seed.trim()) || !Number.isSafeInteger(seed)) command.error(`--seed must be a whole number, not "${flags.seed}"`);
      const config = configFor(command, { persona: flags.persona });
      using store = openStore(config);
      const built = buildDataset(store.database, config.persona, {
        mode: flags.mode,
        withFeedback: flags.withFeedback ?? false,
        maskThirdParties: flags.mask ?? false,
        validationShare,
        seed,
      });
      const manifest = datasetManifest(built, {
        persona: config.persona,
        seed,
        validationShare,
        ...(flags.mode === undefined ? {} : { mode: flags.mode }),
        withFeedback: flags.withFeedback ?? false,
        masked: flags.mask ?? false,
      });
      const folder = path.resolve(flags.out);
      await writeDataset(folder, built, manifest);
      if (flags.json) return printJson({ folder, ...manifest });
      const origins = (counts: Record<string, number>): string =>
        Object.entries(counts)
          .filter(([, count]) => count > 0)
          .map(([origin, count]) => `${count} ${origin}`)
          .join(', ') || 'none';
      process.stdout.write(
        [
          `Wrote ${folder}`,
          `  train:      ${manifest.counts.train} examples in ${manifest.threads.train} threads (${origins(manifest.byOrigin.train)})`,
          `  validation: ${manifest.counts.validation} examples in ${manifest.threads.validation} threads (${origins(manifest.byOrigin.validation)})`,
          `Next: python workers/train/check_export.py ${flags.out} && see workers/train/README.md`,
          '',
        ].join('\n'),
      );
      if (manifest.counts.train === 0) process.stderr.write('persona: the training half is empty: ingest e-mail replies or run `persona interview` first\n');
    });
}
