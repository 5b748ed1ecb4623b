/**
 * Writes a dataset where `workers/train/train_lora.py` reads it: `train.jsonl` and
 * `validation.jsonl`, one `{"messages": [system, user, assistant]}` per line, and
 * `manifest.json`. Each file is written to a temporary name and renamed, manifest last,
 * so a folder with a manifest always holds a complete export.
 */
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ChatExample, Dataset, ExampleOrigin } from './build-dataset.js';

export interface DatasetManifest {
  persona: string;
  createdAt: string;
  seed: number;
  validationShare: number;
  mode?: string;
  withFeedback: boolean;
  masked: boolean;
  files: { train: 'train.jsonl'; validation: 'validation.jsonl' };
  counts: { train: number; validation: number };
  byOrigin: { train: Record<ExampleOrigin, number>; validation: Record<ExampleOrigin, number> };
  threads: { train: number; validation: number };
}

export type ManifestSettings = Pick<DatasetManifest, 'persona' | 'seed' | 'validationShare' | 'mode' | 'withFeedback' | 'masked'>;

/** One JSONL line: only `messages`, the column trl's SFTTrainer applies the chat template to. */
export function exampleLine(example: ChatExample): string {
  return JSON.stringify({ messages: example.messages });
}

export function datasetManifest(dataset: Dataset, settings: ManifestSettings, now = new Date()): DatasetManifest {
  return {
    ...settings,
    createdAt: now.toISOString(),
    files: { train: 'train.jsonl', validation: 'validation.jsonl' },
    counts: { train: dataset.train.length, validation: dataset.validation.length },
    byOrigin: { train: countByOrigin(dataset.train), validation: countByOrigin(dataset.validation) },
    threads: { train: new Set(dataset.train.map((example) => example.thread)).size, validation: new Set(dataset.validation.map((example) => example.thread)).size },
  };
}

export async function writeDataset(folder: string, dataset: Dataset, manifest: DatasetManifest, signal?: AbortSignal): Promise<void> {
  await mkdir(folder, { recursive: true });
  // An older export's manifest would vouch for files that are about to change.
  await rm(path.join(folder, 'manifest.json'), { force: true });
  await writeAtomically(path.join(folder, manifest.files.train), jsonLines(dataset.train), signal);
  await writeAtomically(path.join(folder, manifest.files.validation), jsonLines(dataset.validation), signal);
  await writeAtomically(path.join(folder, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`, signal);
}

function jsonLines(examples: readonly ChatExample[]): string {
  return examples.map((example) => `${exampleLine(example)}\n`).join('');
}

async function writeAtomically(file: string, text: string, signal?: AbortSignal): Promise<void> {
  const temporary = `${file}.${process.pid}.partial`;
  try {
    await writeFile(temporary, text, { encoding: 'utf8', signal });
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

function countByOrigin(examples: readonly ChatExample[]): Record<ExampleOrigin, number> {
  const counts: Record<ExampleOrigin, number> = { interview: 0, 'email-reply': 0, chat: 0, feedback: 0 };
  for (const example of examples) counts[example.origin] += 1;
  return counts;
}
