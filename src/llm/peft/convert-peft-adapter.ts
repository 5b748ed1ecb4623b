/**
 * A peft LoRA adapter folder (what workers/train/train_lora.py writes) to a llama.cpp LoRA
 * GGUF, by workers/train/convert_to_gguf.py: the same converter the tests prove exact. The
 * result is checked against the base model before anyone can answer with it.
 */
import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { InputError, PersonaError } from '../../errors.js';
import { workersFolder, workersPython } from '../../gpu-workers/workers-python.js';
import { type AdapterFit, checkAdapterFileFits } from '../llama/check-adapter-fits.js';

export interface ConvertPeftAdapterOptions {
  peftFolder: string;
  /** The base model's GGUF: the converter reads its head counts, the fit check its shapes. */
  baseModelPath: string;
  outPath: string;
  signal?: AbortSignal;
  environment?: NodeJS.ProcessEnv;
}

export async function convertPeftAdapter(options: ConvertPeftAdapterOptions): Promise<AdapterFit> {
  const { peftFolder, baseModelPath, outPath } = options;
  if (!existsSync(peftFolder) || !statSync(peftFolder).isDirectory()) throw new InputError('input-unreadable', peftFolder, 'no such folder (a peft adapter folder holds adapter_config.json and adapter_model.safetensors)');
  if (!existsSync(path.join(peftFolder, 'adapter_config.json'))) throw new InputError('input-unsupported', peftFolder, 'no adapter_config.json: not a peft adapter folder');
  const python = workersPython(options.environment);
  const script = path.join(workersFolder, 'train', 'convert_to_gguf.py');
  const child = spawn(python, [script, 'lora', peftFolder, outPath, '--base', baseModelPath], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...(options.environment ?? process.env), PYTHONUNBUFFERED: '1' },
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout.resume();
  const [code, failure] = await new Promise<[number | null, Error | undefined]>((resolve) => {
    child.once('error', (error) => resolve([null, error]));
    child.once('close', (exitCode) => resolve([exitCode, undefined]));
  });
  if (options.signal?.aborted) throw new PersonaError('aborted', `conversion of ${peftFolder} was cancelled`);
  if (failure !== undefined) throw new PersonaError('service-unavailable', `cannot run ${python}: ${failure.message}`, { cause: failure });
  if (code !== 0) {
    const reason = stderr.trim().split('\n').filter((line) => line.startsWith('convert_to_gguf: ')).at(-1)?.slice('convert_to_gguf: '.length);
    throw new InputError('input-unsupported', peftFolder, reason ?? `the converter failed (exit ${code}): ${stderr.trim().split('\n').slice(-3).join(' ')}`);
  }
  return checkAdapterFileFits(outPath, baseModelPath);
}
