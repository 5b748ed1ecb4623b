/** `persona ask "QUESTION"`: the persona answers, streamed as it is written, then its sources. */
import type { Command } from 'commander';
import { openAdapterVault } from '../../llm/adapter-vault.js';
import { answerQuestion } from '../../llm/answer-question.js';
import { createEngine, type EngineName } from '../../llm/create-engine.js';
import { openRetrieval } from '../../rag/open-retrieval.js';
import { endConversation, startConversation } from '../../store/conversation-repository.js';
import { openStore } from '../../store/store.js';
import { configFor, printJson } from '../command-context.js';
import { abortOnSignals } from '../abort-on-signals.js';

interface AskFlags {
  persona?: string;
  adapter?: string;
  mode?: string;
  engine?: EngineName;
  json?: boolean;
}

export function registerAskCommand(program: Command): void {
  program
    .command('ask')
    .description(
      'Ask the persona a question. It answers from its corpus in its style, streaming as it writes, then lists its sources. Without a model file it recalls its own closest answers (the recall engine). The exchange is remembered for later sessions.',
    )
    .argument('<question>', 'what to ask')
    .option('-p, --persona <id>', 'the persona (default: $PERSONA_DEFAULT or "default")')
    .option('--adapter <id>', 'answer with this LoRA adapter from the vault')
    .option('--mode <mode>', 'pick the adapter that serves this persona mode')
    .option('--engine <engine>', 'llama | openai | recall | auto (default: $PERSONA_LLM_ENGINE or auto)')
    .option('--json', 'print {answer, sources, adapter, engine, timings} instead of streaming')
    .action(async (question: string, flags: AskFlags, command: Command) => {
      const config = configFor(command, { persona: flags.persona });
      const engineName = flags.engine ?? config.llm.engine;
      if (!['auto', 'llama', 'openai', 'recall'].includes(engineName)) command.error(`--engine must be llama, openai, recall or auto, not "${engineName}"`);
      using store = openStore(config);
      await using retrieval = await openRetrieval(config, store, config.persona);
      const engine = await createEngine(config, engineName, retrieval.retriever);
      const controller = abortOnSignals('SIGINT');
      const conversationId = startConversation(store.database, config.persona, { via: 'persona ask' });
      try {
        const result = await answerQuestion({
          store,
          retriever: retrieval.retriever,
          engine,
          vault: openAdapterVault(config.vaultFolder),
          persona: config.persona,
          conversationId,
          question,
          adapter: { requested: flags.adapter, mode: flags.mode },
          signal: controller.signal,
          onDelta: flags.json ? undefined : (text) => process.stdout.write(text),
        });
        endConversation(store.database, conversationId);
        if (flags.json) return printJson(result);
        const adapter = result.adapter.id ? `adapter ${result.adapter.id} (${result.adapter.reason})` : `no adapter (${result.adapter.reason})`;
        process.stdout.write(`\n\nSources:\n${result.sources.map((source) => `  [${source.id}] ${source.label}`).join('\n') || '  none'}\n`);
        process.stderr.write(
          `(${result.engine} engine, ${adapter}; retrieval ${Math.round(result.timings.retrievalMs)} ms, first token ${result.timings.firstTokenMs === undefined ? '-' : Math.round(result.timings.firstTokenMs)} ms, total ${Math.round(result.timings.totalMs)} ms)\n`,
        );
      } finally {
        controller.release();
        await engine.close();
      }
    });
}
