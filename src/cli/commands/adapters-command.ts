/**
 * `persona adapters list | add FILE | import PEFT_FOLDER | remove ID`: the LoRA adapter vault.
 * `add` and `import` check the adapter against the base model's GGUF before it is registered,
 * so an adapter for another base is refused here and never at answer time.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import type { Config } from '../../config.js';
import { type AdapterEntry, openAdapterVault } from '../../llm/adapter-vault.js';
import { resolveModelFile } from '../../llm/create-engine.js';
import { type AdapterFit, checkAdapterFileFits } from '../../llm/llama/check-adapter-fits.js';
import { convertPeftAdapter } from '../../llm/peft/convert-peft-adapter.js';
import { collect, configFor, printJson } from '../command-context.js';

interface RegisterFlags {
  persona: string;
  id?: string;
  mode: string[];
  mood: string[];
  task: string[];
  scale: string;
  baseModel?: string;
  servedName?: string;
  trainingSet?: string;
}

interface AddFlags extends RegisterFlags {
  base: string;
}

function withRegisterOptions(command: Command): Command {
  return command
    .requiredOption('-p, --persona <id>', 'the persona it speaks for')
    .option('--id <id>', 'its id (default: the file or folder name)')
    .option('--mode <mode>', 'a persona mode it serves (repeatable)', collect, [])
    .option('--mood <mood>', 'a tone it serves (repeatable)', collect, [])
    .option('--task <task>', 'a task it serves, e.g. email-reply (repeatable)', collect, [])
    .option('--scale <n>', 'LoRA scale', '1')
    .option('--base-model <file.gguf>', 'the base model GGUF to check it against (default: the configured LLM model)')
    .option('--served-name <name>', 'its name on an OpenAI-compatible server (vLLM LoRA name or llama-server adapter id)')
    .option('--training-set <reference>', 'the dataset it was trained on');
}

function register(config: Config, command: Command, file: string, flags: RegisterFlags, base: { name: string }, fit: AdapterFit | undefined, fallbackId: string): AdapterEntry {
  const vault = openAdapterVault(config.vaultFolder);
  const scale = Number(flags.scale);
  if (!(scale > 0)) command.error('--scale must be a positive number');
  return vault.add(file, {
    id: flags.id ?? fallbackId.replace(/[^a-z0-9._-]+/gi, '-'),
    persona: flags.persona,
    modes: flags.mode,
    moods: flags.mood,
    tasks: flags.task,
    scale,
    baseModel: { name: base.name, sha256: null },
    servedName: flags.servedName,
    trainingSet: flags.trainingSet,
    ...(fit === undefined ? {} : { metrics: { rank: fit.rank, matrices: fit.matrices, ...(fit.alpha === null ? {} : { alpha: fit.alpha }) } }),
  });
}

function describeFit(fit: AdapterFit): string {
  return `rank ${fit.rank}${fit.alpha === null ? '' : `, alpha ${fit.alpha}`}, ${fit.matrices} matrices`;
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
  withRegisterOptions(
    adapters
      .command('add')
      .description('Check a LoRA adapter (GGUF) against the base model, copy it into the vault and record what it serves')
      .argument('<file>', 'the adapter GGUF file'),
  )
    .option('--base <model>', 'the name of the base model it was trained on', 'llama-3-8b-instruct-q4_k_m')
    .action(async (file: string, flags: AddFlags, command: Command) => {
      const config = configFor(command);
      const baseModel = flags.baseModel ?? resolveModelFile(config);
      let fit: AdapterFit | undefined;
      if (baseModel === undefined) {
        process.stderr.write(`warning: no base model file (set PERSONA_LLM_MODEL or pass --base-model): ${file} was not checked against it\n`);
      } else {
        fit = await checkAdapterFileFits(path.resolve(file), baseModel);
      }
      const entry = register(config, command, file, flags, { name: flags.base }, fit, path.basename(file).replace(/\.gguf$/i, ''));
      process.stdout.write(`added ${entry.id} for persona ${entry.persona}${fit === undefined ? '' : ` (${describeFit(fit)}; fits ${baseModel})`} at ${openAdapterVault(config.vaultFolder).filePath(entry)}\n`);
    });
  withRegisterOptions(
    adapters
      .command('import')
      .description('Convert a peft LoRA adapter folder (train_lora.py\'s output) to GGUF, check it against the base model, and add it to the vault')
      .argument('<folder>', 'the peft adapter folder (adapter_config.json, adapter_model.safetensors)'),
  ).action(async (folder: string, flags: RegisterFlags, command: Command) => {
    const config = configFor(command);
    const baseModel = flags.baseModel ?? resolveModelFile(config);
    if (baseModel === undefined) command.error('No base model GGUF to convert against: set PERSONA_LLM_MODEL (or run `persona models pull`) or pass --base-model FILE.gguf');
    const id = (flags.id ?? path.basename(path.resolve(folder))).replace(/[^a-z0-9._-]+/gi, '-');
    if (openAdapterVault(config.vaultFolder).find(id) !== undefined) command.error(`An adapter with id "${id}" is already in the vault; remove it first or pass --id`);
    // The converted file is the persona's derived data: it stays inside the vault, never in /tmp.
    mkdirSync(config.vaultFolder, { recursive: true, mode: 0o700 });
    const scratch = mkdtempSync(path.join(config.vaultFolder, '.import-'));
    try {
      const converted = path.join(scratch, 'adapter.gguf');
      process.stderr.write(`converting ${folder} against ${baseModel}…\n`);
      const fit = await convertPeftAdapter({ peftFolder: path.resolve(folder), baseModelPath: baseModel!, outPath: converted });
      const baseName = path.basename(baseModel!).replace(/\.gguf$/i, '');
      const entry = register(config, command, converted, flags, { name: baseName }, fit, id);
      process.stdout.write(`imported ${entry.id} for persona ${entry.persona} (${describeFit(fit)}; fits ${baseModel}) at ${openAdapterVault(config.vaultFolder).filePath(entry)}\n`);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
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
