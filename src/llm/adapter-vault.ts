/**
 * The adapter vault: LoRA adapter files under `vault/adapters/` and what each is for in
 * `vault/manifest.json`. Written atomically; an adapter whose file is gone is reported,
 * never silently used.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ConfigError, InputError, StoreError } from '../errors.js';

const adapterEntrySchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/i),
  file: z.string().min(1),
  sha256: z.string(),
  baseModel: z.object({ name: z.string(), sha256: z.string().nullable() }),
  persona: z.string(),
  modes: z.array(z.string()).default([]),
  moods: z.array(z.string()).default([]),
  tasks: z.array(z.string()).default([]),
  scale: z.number().positive().default(1),
  /** The name an OpenAI-compatible server knows it by (vLLM LoRA name, llama-server adapter id). */
  servedName: z.string().optional(),
  trainingSet: z.string().optional(),
  metrics: z.record(z.string(), z.number()).default({}),
  /** The latest style evaluation (`persona eval style --adapter ID`): figures against the persona's held-out replies. */
  evaluation: z
    .object({
      evaluatedAt: z.string(),
      engine: z.string(),
      examples: z.number().int().nonnegative(),
      fingerprintDistance: z.number().nullable(),
      chrF: z.number().nullable(),
      perplexityBase: z.number().nullable(),
      perplexityAdapter: z.number().nullable(),
      latencyMedianMs: z.number().nullable(),
      latencyP90Ms: z.number().nullable(),
      firstTokenMedianMs: z.number().nullable(),
      report: z.string().optional(),
    })
    .optional(),
  createdAt: z.string(),
});

export type AdapterEvaluation = NonNullable<AdapterEntry['evaluation']>;

export type AdapterEntry = z.infer<typeof adapterEntrySchema>;

const manifestSchema = z.object({ adapters: z.array(adapterEntrySchema) });

export interface AdapterVault {
  readonly folder: string;
  list(): AdapterEntry[];
  find(id: string): AdapterEntry | undefined;
  filePath(entry: AdapterEntry): string;
  fileExists(entry: AdapterEntry): boolean;
  add(file: string, details: Omit<AdapterEntry, 'id' | 'file' | 'sha256' | 'createdAt' | 'modes' | 'moods' | 'tasks' | 'scale' | 'metrics'> & Partial<Pick<AdapterEntry, 'id' | 'modes' | 'moods' | 'tasks' | 'scale' | 'metrics'>>): AdapterEntry;
  remove(id: string): AdapterEntry;
  /** Replaces the adapter's `evaluation` (its latest style evaluation). */
  recordEvaluation(id: string, evaluation: AdapterEvaluation): AdapterEntry;
}

export function openAdapterVault(folder: string): AdapterVault {
  const manifestFile = path.join(folder, 'manifest.json');
  const adaptersFolder = path.join(folder, 'adapters');

  const read = (): AdapterEntry[] => {
    if (!existsSync(manifestFile)) return [];
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(manifestFile, 'utf8'));
    } catch (error) {
      throw new ConfigError(`The adapter vault manifest ${manifestFile} is not valid JSON: ${(error as Error).message}`, { cause: error });
    }
    const result = manifestSchema.safeParse(parsed);
    if (!result.success) {
      const issue = result.error.issues[0]!;
      throw new ConfigError(`The adapter vault manifest ${manifestFile} is invalid at ${issue.path.join('.')}: ${issue.message}`);
    }
    return result.data.adapters;
  };

  const write = (adapters: AdapterEntry[]): void => {
    mkdirSync(folder, { recursive: true });
    const temporary = `${manifestFile}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify({ adapters }, null, 2)}\n`);
    renameSync(temporary, manifestFile);
  };

  return {
    folder,
    list: read,
    find: (id) => read().find((entry) => entry.id === id),
    filePath: (entry) => path.join(adaptersFolder, entry.file),
    fileExists: (entry) => existsSync(path.join(adaptersFolder, entry.file)),
    add(file, details) {
      if (!existsSync(file) || !statSync(file).isFile()) throw new InputError('input-unreadable', file, 'no such adapter file');
      const adapters = read();
      const id = details.id ?? path.basename(file).replace(/\.gguf$/i, '').replace(/[^a-z0-9._-]+/gi, '-');
      if (adapters.some((entry) => entry.id === id)) throw new ConfigError(`An adapter with id "${id}" is already in the vault; remove it first or pass --id`);
      const sha256 = createHash('sha256').update(readFileSync(file)).digest('hex');
      mkdirSync(adaptersFolder, { recursive: true });
      const stored = `${id}.gguf`;
      copyFileSync(file, path.join(adaptersFolder, stored));
      const entry = adapterEntrySchema.parse({ ...details, id, file: stored, sha256, createdAt: new Date().toISOString() });
      write([...adapters, entry]);
      return entry;
    },
    remove(id) {
      const adapters = read();
      const entry = adapters.find((candidate) => candidate.id === id);
      if (!entry) throw new StoreError('not-found', `No adapter "${id}" in the vault (${manifestFile}); see \`persona adapters list\``);
      write(adapters.filter((candidate) => candidate.id !== id));
      rmSync(path.join(adaptersFolder, entry.file), { force: true });
      return entry;
    },
    recordEvaluation(id, evaluation) {
      const adapters = read();
      const index = adapters.findIndex((candidate) => candidate.id === id);
      if (index < 0) throw new StoreError('not-found', `No adapter "${id}" in the vault (${manifestFile}); see \`persona adapters list\``);
      const updated = adapterEntrySchema.parse({ ...adapters[index], evaluation });
      write(adapters.map((entry, position) => (position === index ? updated : entry)));
      return updated;
    },
  };
}
