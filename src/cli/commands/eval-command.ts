/** `persona eval style`: how close an engine (and adapter) comes to the persona's style on the held-out split. */
import path from 'node:path';
import type { Command } from 'commander';
import { openAdapterVault } from '../../llm/adapter-vault.js';
import { createEngine, resolveModelFile, type EngineName } from '../../llm/create-engine.js';
import type { AdapterChoice } from '../../llm/llm-engine.js';
import { evaluateStyle } from '../../persona/evaluation/evaluate-style.js';
import { recordAdapterEvaluation, saveStyleEvaluation } from '../../persona/evaluation/save-style-evaluation.js';
import { styleReportFolderName, writeStyleReport } from '../../persona/evaluation/write-style-report.js';
import { openRetrieval } from '../../rag/open-retrieval.js';
import { openStore } from '../../store/store.js';
import { configFor, printJson } from '../command-context.js';
import { abortOnSignals } from '../abort-on-signals.js';

interface StyleFlags {
  persona?: string;
  adapter?: string;
  engine?: EngineName;
  split?: string;
  limit?: string;
  maxTokens?: string;
  seed?: string;
  out?: string;
  json?: boolean;
}

function positiveInteger(command: Command, flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) command.error(`${flag} must be a positive whole number, not "${value}"`);
  return parsed;
}

function formatDuration(milliseconds: number): string {
  const seconds = Math.round(milliseconds / 1000);
  return seconds < 60 ? `${seconds} s` : `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}

export function registerEvalCommand(program: Command): void {
  const evaluation = program.command('eval').description('Measure how well the persona is imitated.');
  evaluation
    .command('style')
    .description(
      'Answer the held-out prompts of the training export (its validation split) and compare with the persona\'s real replies: fingerprint distance, chrF, perplexity of the real replies with and without the adapter (llama engine), latency. Writes report.md and report.json and records the figures in the store and in the adapter\'s vault entry.',
    )
    .option('-p, --persona <id>', 'the persona (default: $PERSONA_DEFAULT or "default")')
    .option('--adapter <id>', 'answer with this LoRA adapter from the vault (default: the base model)')
    .option('--engine <engine>', 'llama | openai | recall | auto (default: $PERSONA_LLM_ENGINE or auto)')
    .option('--split <split>', 'validation (held out: how well it generalises) or train (did training take?)', 'validation')
    .option('--limit <n>', 'evaluate at most N examples')
    .option('--max-tokens <n>', 'longest answer in tokens', '256')
    .option('--seed <n>', 'the split seed the adapter\'s training export used', '1')
    .option('--out <dir>', 'where to write the report (default: $PERSONA_HOME/reports/style-TIMESTAMP/)')
    .option('--json', 'print the report as JSON')
    .action(async (flags: StyleFlags, command: Command) => {
      const config = configFor(command, { persona: flags.persona });
      const engineName = flags.engine ?? config.llm.engine;
      if (!['auto', 'llama', 'openai', 'recall'].includes(engineName)) command.error(`--engine must be llama, openai, recall or auto, not "${engineName}"`);
      const limit = positiveInteger(command, '--limit', flags.limit);
      const maxTokens = positiveInteger(command, '--max-tokens', flags.maxTokens);
      const split = flags.split ?? 'validation';
      if (split !== 'validation' && split !== 'train') command.error(`--split must be validation or train, not "${split}"`);
      const seed = Number(flags.seed ?? '1');
      if (!Number.isSafeInteger(seed)) command.error(`--seed must be a whole number, not "${flags.seed}"`);
      const vault = openAdapterVault(config.vaultFolder);
      let adapter: AdapterChoice | undefined;
      if (flags.adapter !== undefined) {
        const entry = vault.find(flags.adapter);
        if (entry === undefined) command.error(`No adapter "${flags.adapter}" in the vault (${vault.folder}); see \`persona adapters list\``);
        if (!vault.fileExists(entry)) command.error(`Adapter "${entry.id}" is in the vault's manifest but its file ${vault.filePath(entry)} is missing`);
        adapter = { id: entry.id, filePath: vault.filePath(entry), scale: entry.scale, servedName: entry.servedName };
      }

      using store = openStore(config);
      await using retrieval = await openRetrieval(config, store, config.persona);
      const engine = await createEngine(config, engineName, retrieval.retriever);
      const controller = abortOnSignals('SIGINT');
      try {
        const report = await evaluateStyle({
          database: store.database,
          persona: config.persona,
          engine,
          adapter,
          seed,
          split,
          limit,
          maxTokens,
          model: engine.id === 'llama' ? (resolveModelFile(config) ?? null) : engine.id === 'openai' ? config.llm.apiModel : null,
          signal: controller.signal,
          onProgress: ({ done, total, etaMs }) => {
            process.stderr.write(`style eval: ${done}/${total}${etaMs === null || done === total ? '' : `, about ${formatDuration(etaMs)} left`}\n`);
          },
        });
        const folder = path.resolve(flags.out ?? path.join(config.home, 'reports', styleReportFolderName(report.createdAt)));
        const written = await writeStyleReport(folder, report);
        const evaluationId = saveStyleEvaluation(store.database, report);
        recordAdapterEvaluation(vault, report, folder);
        if (flags.json) return printJson({ ...report, evaluationId, reportFolder: folder });
        const shown = (value: number | null, digits = 2): string => (value === null ? '—' : value.toFixed(digits));
        process.stdout.write(
          [
            `Style evaluation of ${report.engine}${report.adapter === null ? ' (base model)' : ` + adapter ${report.adapter}`} on ${report.examples} ${report.split === 'train' ? 'training' : 'held-out'} examples:`,
            `  fingerprint distance ${shown(report.fingerprintDistance, 3)} (0 = same style)`,
            `  chrF ${shown(report.chrF)} (mean), ${shown(report.corpusChrF)} (corpus)`,
            `  perplexity of the real replies: base ${shown(report.perplexity.base)}, adapter ${shown(report.perplexity.adapter)}${report.perplexity.note === null ? '' : ` (${report.perplexity.note})`}`,
            `  latency median ${shown(report.latency.medianMs, 0)} ms, p90 ${shown(report.latency.p90Ms, 0)} ms; first token median ${shown(report.latency.firstTokenMedianMs, 0)} ms`,
            ...report.notes.map((note) => `  note: ${note}`),
            `Report: ${written.markdown}`,
            '',
          ].join('\n'),
        );
      } finally {
        controller.release();
        await engine.close();
      }
    });
}
