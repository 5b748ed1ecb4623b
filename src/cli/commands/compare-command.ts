/** `persona compare "QUESTION"`: the base model's and an adapter's answers side by side, each with its style distance to the persona. */
import type { Command } from 'commander';
import { openAdapterVault } from '../../llm/adapter-vault.js';
import { chooseAdapter } from '../../llm/choose-adapter.js';
import { createEngine, type EngineName } from '../../llm/create-engine.js';
import { compareAnswers, type ComparedAnswer } from '../../persona/evaluation/compare-answers.js';
import { openRetrieval } from '../../rag/open-retrieval.js';
import { openStore } from '../../store/store.js';
import { configFor, printJson } from '../command-context.js';
import { abortOnSignals } from '../abort-on-signals.js';

interface CompareFlags {
  persona?: string;
  adapter?: string;
  engine?: EngineName;
  maxTokens?: string;
  json?: boolean;
}

export function registerCompareCommand(program: Command): void {
  program
    .command('compare')
    .description(
      'Ask the base model and a LoRA adapter the same question, from the same prompt, and show both answers side by side with the fingerprint distance of each to the persona\'s own messages (0 = same style). Nothing is remembered.',
    )
    .argument('<question>', 'what to ask')
    .option('-p, --persona <id>', 'the persona (default: $PERSONA_DEFAULT or "default")')
    .option('--adapter <id>', 'the adapter to compare (default: the one the persona would be answered with)')
    .option('--engine <engine>', 'llama | openai | auto (default: $PERSONA_LLM_ENGINE or auto)')
    .option('--max-tokens <n>', 'longest answer in tokens')
    .option('--json', 'print {question, engine, sources, base, tuned} as JSON')
    .action(async (question: string, flags: CompareFlags, command: Command) => {
      const config = configFor(command, { persona: flags.persona });
      const engineName = flags.engine ?? config.llm.engine;
      if (!['auto', 'llama', 'openai'].includes(engineName)) command.error(`--engine must be llama, openai or auto, not "${engineName}"`);
      let maxTokens: number | undefined;
      if (flags.maxTokens !== undefined) {
        maxTokens = Number(flags.maxTokens);
        if (!Number.isInteger(maxTokens) || maxTokens < 1) command.error(`--max-tokens must be a positive whole number, not "${flags.maxTokens}"`);
      }
      const vault = openAdapterVault(config.vaultFolder);
      const decision = chooseAdapter(vault, { persona: config.persona, requested: flags.adapter });
      if (decision.adapter === undefined) {
        const why = decision.reason === 'unknown-adapter' ? `No adapter "${flags.adapter}" in the vault (${vault.folder})` : decision.reason === 'missing-file' ? 'The adapter\'s file is missing from the vault' : `No adapter for persona "${config.persona}" in the vault (${vault.folder})`;
        command.error(`${why}; see \`persona adapters list\`, or add one with \`persona adapters add FILE.gguf --persona ${config.persona}\``);
      }
      const entry = decision.adapter;

      using store = openStore(config);
      await using retrieval = await openRetrieval(config, store, config.persona);
      const engine = await createEngine(config, engineName, retrieval.retriever);
      const controller = abortOnSignals('SIGINT');
      try {
        const comparison = await compareAnswers({
          database: store.database,
          retriever: retrieval.retriever,
          engine,
          persona: config.persona,
          question,
          adapter: { id: entry.id, filePath: vault.filePath(entry), scale: entry.scale, servedName: entry.servedName },
          maxTokens,
          signal: controller.signal,
        });
        if (flags.json) return printJson(comparison);
        const block = (title: string, answer: ComparedAnswer): string =>
          `── ${title} ── fingerprint distance ${answer.fingerprintDistance === null ? '—' : answer.fingerprintDistance.toFixed(3)}, ${Math.round(answer.totalMs)} ms\n${answer.answer}\n`;
        process.stdout.write(`${block('base model', comparison.base)}\n${block(`adapter ${entry.id}`, comparison.tuned)}`);
        process.stderr.write(`(${comparison.engine} engine; distance 0 = the persona's own style; sources: ${comparison.sources.map((source) => source.label).join(', ') || 'none'})\n`);
      } finally {
        controller.release();
        await engine.close();
      }
    });
}
