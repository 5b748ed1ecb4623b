/** `persona modes discover | list`: the registers the persona writes in, each with its own system prompt. */
import type { Command } from 'commander';
import { discoverModes, largestK, smallestK } from '../../persona/modes/discover-modes.js';
import { listModes, replaceModes } from '../../persona/modes/mode-repository.js';
import { personaMessages } from '../../persona/fingerprint/persona-messages.js';
import { createEmbedder } from '../../rag/create-embedder.js';
import { StoreError } from '../../errors.js';
import { findPersona } from '../../store/persona-repository.js';
import { openStore } from '../../store/store.js';
import { configFor, printJson } from '../command-context.js';
import { abortOnSignals } from '../abort-on-signals.js';

interface DiscoverFlags {
  persona?: string;
  k?: string;
  seed: string;
  json?: boolean;
}

export function registerModesCommand(program: Command): void {
  const modes = program.command('modes').description("The persona's modes: registers found by clustering its own messages.");
  modes
    .command('discover')
    .description(
      `Embed the persona's own messages, cluster them (k from ${smallestK} to ${largestK} by silhouette unless --k), name each mode by its distinctive terms, write a system prompt per mode, and store them (replacing the previous set).`,
    )
    .option('-p, --persona <id>', 'the persona (default: $PERSONA_DEFAULT or "default")')
    .option('--k <n>', `exactly this many modes (default: chosen between ${smallestK} and ${largestK})`)
    .option('--seed <n>', 'seed of the clustering', '1')
    .option('--json', 'print JSON')
    .action(async (flags: DiscoverFlags, command: Command) => {
      const k = flags.k === undefined ? undefined : Number(flags.k);
      if (k !== undefined && (!/^\d+$/.test(flags.k!.trim()) || k < 2 || k > 12)) command.error(`--k must be a whole number from 2 to 12, not "${flags.k}"`);
      const seed = Number(flags.seed);
      if (!/^-?\d+$/.test(flags.seed.trim())) command.error(`--seed must be a whole number, not "${flags.seed}"`);
      const config = configFor(command, { persona: flags.persona });
      using store = openStore(config);
      const persona = findPersona(store.database, config.persona);
      if (!persona) throw new StoreError('not-found', `persona "${config.persona}" does not exist in this store (see: persona sources)`);
      const controller = abortOnSignals('SIGINT');
      const embedder = await createEmbedder(config);
      try {
        const discovery = await discoverModes(personaMessages(store.database, config.persona), embedder, {
          k,
          seed,
          personaName: persona.displayName ?? config.persona,
          signal: controller.signal,
        });
        replaceModes(store.database, config.persona, discovery.modes);
        if (flags.json) return printJson({ persona: config.persona, embedder: embedder.id, ...discovery });
        const how = discovery.chosen ? `chosen by silhouette (${Object.entries(discovery.silhouetteByK).map(([candidate, score]) => `k=${candidate}: ${score}`).join(', ')})` : 'as asked';
        process.stdout.write(`${discovery.modes.length} modes for ${config.persona}, k=${discovery.k} ${how}, mean silhouette ${discovery.silhouette}\n\n`);
        for (const mode of discovery.modes) {
          process.stdout.write(`${mode.mode}  (${mode.size} messages, silhouette ${mode.silhouette})\n  terms: ${mode.terms.slice(0, 8).join(', ')}\n  prompt: ${mode.systemPrompt}\n\n`);
        }
      } finally {
        controller.release();
        await embedder.close();
      }
    });

  modes
    .command('list')
    .description('The modes last discovered for the persona.')
    .option('-p, --persona <id>', 'the persona (default: $PERSONA_DEFAULT or "default")')
    .option('--json', 'print JSON')
    .action((flags: { persona?: string; json?: boolean }, command: Command) => {
      const config = configFor(command, { persona: flags.persona });
      using store = openStore(config);
      const stored = listModes(store.database, config.persona);
      if (flags.json) return printJson(stored);
      if (stored.length === 0) {
        process.stdout.write(`No modes for ${config.persona} yet. Find them with: persona modes discover\n`);
        return;
      }
      for (const mode of stored) process.stdout.write(`${mode.mode}  ${mode.size} messages  ${mode.label}\n  ${mode.systemPrompt}\n`);
    });
}
