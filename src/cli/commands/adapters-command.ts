/** `persona adapters list | add FILE | remove ID`: the LoRA adapter vault. */
import type { Command } from 'commander';
import { openAdapterVault } from '../../llm/adapter-vault.js';
import { collect, configFor, printJson } from '../command-context.js';

interface AddFlags {
  persona: string;
  id?: string;
  mode: string[];
  mood: string[];
  task: string[];
  scale: string;
  base: string;
  servedName?: string;
  trainingSet?: string;
}

export function registerAdaptersCommand(program: Command): void {
  const adapters = program.command('adapters').description('The LoRA adapter vault: which adapter serves which persona, mode, mood or task.');
  adapters
    .command('list')
    .description('List the adapters, and whether each file is present')
    .option('--json', 'print JSON')
    .action((flags: { json?: boolean }, command: Command) => {
      const vault = openAdapterVault(configFor(command).vaultFolder);
      const entries = vault.list().map((entry) => ({ ...entry, present: vault.fileExists(entry) }));
      if (flags.json) return printJson(entries);
      if (entries.length === 0) return void process.stdout.write(`No adapters in ${vault.folder}. Add one with: persona adapters add FILE.gguf --persona ID\n`);
      for (const entry of entries) {
        const serves = [...entry.modes.map((mode) => `mode ${mode}`), ...entry.moods.map((mood) => `mood ${mood}`), ...entry.tasks.map((task) => `task ${task}`)].join(', ') || 'general';
        process.stdout.write(`${entry.id}  persona ${entry.persona}  ${serves}  base ${entry.baseModel.name}${entry.present ? '' : '  (FILE MISSING)'}\n`);
      }
    });
  adapters
    .command('add')
    .description('Copy a LoRA adapter (GGUF) into the vault and record what it serves')
    .argument('<file>', 'the adapter GGUF file')
    .requiredOption('-p, --persona <id>', 'the persona it speaks for')
    .option('--id <id>', 'its id (default: the file name)')
    .option('--mode <mode>', 'a persona mode it serves (repeatable)', collect, [])
    .option('--mood <mood>', 'a tone it serves (repeatable)', collect, [])
    .option('--task <task>', 'a task it serves, e.g. email-reply (repeatable)', collect, [])
    .option('--scale <n>', 'LoRA scale', '1')
    .option('--base <model>', 'the base model it was trained on', 'llama-3-8b-instruct-q4_k_m')
    .option('--served-name <name>', 'its name on an OpenAI-compatible server (vLLM LoRA name or llama-server adapter id)')
    .option('--training-set <reference>', 'the dataset it was trained on')
    .action((file: string, flags: AddFlags, command: Command) => {
      const vault = openAdapterVault(configFor(command).vaultFolder);
      const scale = Number(flags.scale);
      if (!(scale > 0)) command.error('--scale must be a positive number');
      const entry = vault.add(file, {
        id: flags.id,
        persona: flags.persona,
        modes: flags.mode,
        moods: flags.mood,
        tasks: flags.task,
        scale,
        baseModel: { name: flags.base, sha256: null },
        servedName: flags.servedName,
        trainingSet: flags.trainingSet,
      });
      process.stdout.write(`added ${entry.id} for persona ${entry.persona} (${vault.filePath(entry)})\n`);
    });
  adapters
    .command('remove')
    .description('Remove an adapter and its file from the vault')
    .argument('<id>', 'the adapter id')
    .action((id: string, _flags: unknown, command: Command) => {
      const entry = openAdapterVault(configFor(command).vaultFolder).remove(id);
      process.stdout.write(`removed ${entry.id}\n`);
    });
}
