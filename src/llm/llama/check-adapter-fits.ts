/**
 * Whether a LoRA adapter GGUF fits a base model GGUF: it is a LoRA adapter, for the same
 * architecture, every pair of factors names a matrix the base has, its input and output sizes
 * are that matrix's, and both factors share one rank. llama.cpp checks less and says less (an
 * adapter for another base can abort the process or fail with "failed to apply lora adapter"),
 * so this runs when an adapter is imported into the vault and again before an engine loads it.
 */
import { type GgufSummary, inspectGgufFile } from './gguf-inspector.js';
import { ModelFileInvalidError } from './model-file-errors.js';

export interface AdapterFit {
  /** Matrices the adapter changes. */
  matrices: number;
  /** The LoRA rank (the smallest, when factors differ). */
  rank: number;
  /** adapter.lora.alpha; llama.cpp scales by alpha / rank. */
  alpha: number | null;
}

/** Throws ModelFileInvalidError naming the adapter file and the first thing that does not fit. */
export function checkAdapterFits(adapterPath: string, adapter: GgufSummary, modelPath: string, model: GgufSummary): AdapterFit {
  const refuse = (reason: string): never => {
    throw new ModelFileInvalidError('adapter', adapterPath, reason);
  };
  const fileType = adapter.strings.get('general.type');
  if (fileType !== 'adapter') refuse(`general.type is ${fileType === undefined ? 'missing' : `'${fileType}'`}, not 'adapter': is this a model rather than a LoRA adapter?`);
  const adapterType = adapter.strings.get('adapter.type');
  if (adapterType !== 'lora') refuse(`adapter.type is ${adapterType === undefined ? 'missing' : `'${adapterType}'`}, not 'lora'`);
  const architecture = adapter.strings.get('general.architecture');
  const modelArchitecture = model.strings.get('general.architecture');
  if (architecture !== undefined && modelArchitecture !== undefined && architecture !== modelArchitecture) {
    refuse(`made for a ${architecture} model, but ${modelPath} is ${modelArchitecture}`);
  }
  const alpha = adapter.numbers.get('adapter.lora.alpha') ?? null;
  if (alpha !== null && !(alpha > 0 && Number.isFinite(alpha))) refuse(`adapter.lora.alpha is ${alpha}; it must be a positive number`);

  const ranks: number[] = [];
  let matrices = 0;
  for (const [name, dims] of adapter.tensors) {
    const factor = /^(.+)\.lora_(a|b)$/.exec(name);
    if (factor === null) refuse(`tensor ${name} is not a LoRA factor (name.lora_a or name.lora_b)`);
    const [, target, side] = factor!;
    if (side === 'b') continue; // checked with its lora_a
    const partner = adapter.tensors.get(`${target}.lora_b`);
    if (partner === undefined) refuse(`${target}.lora_a has no ${target}.lora_b`);
    const base = model.tensors.get(target!);
    if (base === undefined) refuse(`it changes ${target}, which ${modelPath} does not have: it was made for another base model`);
    // ggml order: base [n_in, n_out], lora_a [n_in, rank], lora_b [rank, n_out].
    const [baseIn, baseOut] = base!;
    const [aIn, aRank] = dims;
    const [bRank, bOut] = partner!;
    if (aIn !== baseIn || bOut !== baseOut) {
      refuse(`${target} is ${aIn}→${bOut} in the adapter but ${baseIn}→${baseOut} in ${modelPath}: it was made for another base model`);
    }
    if (aRank !== bRank) refuse(`${target} has rank ${aRank} in lora_a but ${bRank} in lora_b`);
    ranks.push(aRank!);
    matrices += 1;
  }
  for (const name of adapter.tensors.keys()) {
    if (name.endsWith('.lora_b') && !adapter.tensors.has(name.replace(/\.lora_b$/, '.lora_a'))) refuse(`${name} has no lora_a`);
  }
  if (matrices === 0) refuse('it holds no LoRA factors');
  return { matrices, rank: Math.min(...ranks), alpha };
}

/** Reads both files' headers and checks the fit (see `checkAdapterFits`). */
export async function checkAdapterFileFits(adapterPath: string, modelPath: string, options: { adapterId?: string } = {}): Promise<AdapterFit> {
  const [adapter, model] = await Promise.all([
    inspectGgufFile(adapterPath, { kind: 'adapter', ...(options.adapterId === undefined ? {} : { adapterId: options.adapterId }) }),
    inspectGgufFile(modelPath, { kind: 'model' }),
  ]);
  return checkAdapterFits(adapterPath, adapter, modelPath, model);
}
