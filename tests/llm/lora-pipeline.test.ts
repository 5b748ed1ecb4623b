/**
 * The LoRA pipeline for real, on CPU: a tiny Llama 3 (real architecture and tokenizer, random
 * weights) made with transformers, converted by workers/train/convert_to_gguf.py, a LoRA trained
 * by train_lora.py on the sample persona's export, imported with `persona adapters import`, and
 * then proven against transformers + peft: the same chat tokens, the same next-token
 * distribution (base and adapter), and training that made her replies far more likely.
 */
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { buildTinyLoraAdapter } from '../../src/llm/llama/tiny-llama-model.js';
import { encodeGguf } from '../../src/llm/llama/gguf-writer.js';
import { type LoraPipeline, buildLoraPipeline, checkedConversations, compareWithTransformers, trainingPerplexity } from '../helpers/lora-pipeline.js';
import { pythonWorkersReady } from '../helpers/python-workers.js';
import { runPersona } from '../helpers/run-persona.js';
import { makeTemporaryFolder } from '../helpers/temporary-folder-per-file.js';

/** float32 through two different implementations: measured ~6e-5 (base) and ~1e-5 (adapter) in log-probability. */
const logProbabilityTolerance = 1e-3;

describe('the LoRA pipeline on a tiny Llama 3', { timeout: 1_800_000 }, () => {
  const folder = makeTemporaryFolder('lora-pipeline');
  let pipeline: LoraPipeline | undefined;

  before(async (context) => {
    if (!pythonWorkersReady(context as never)) return;
    pipeline = await buildLoraPipeline(folder, (line) => process.stderr.write(`# ${line}\n`));
  });

  const ready = (context: { skip(message: string): void }): LoraPipeline | undefined => {
    if (pipeline === undefined) context.skip('the Python workers are not installed: run `bash scripts/setup-workers.sh`');
    return pipeline;
  };

  it('registers the imported adapter with its rank and alpha, checked against the base', (context) => {
    const built = ready(context);
    if (built === undefined) return;
    const listed = JSON.parse(runPersona(built.home, ['adapters', 'list', '--json'], built.environment).stdout) as { id: string; persona: string; present: boolean; metrics: Record<string, number>; baseModel: { name: string } }[];
    const entry = listed.find((candidate) => candidate.id === built.adapterId);
    assert.ok(entry, 'the adapter is in the vault');
    assert.deepEqual([entry.persona, entry.present, entry.baseModel.name], ['meera', true, 'tiny-llama-3']);
    // rank 64 and alpha 64 from the CPU settings; 7 projections in each of the 2 blocks.
    assert.deepEqual(entry.metrics, { rank: 64, matrices: 14, alpha: 64 });
  });

  it('feeds node-llama-cpp the same chat tokens as transformers\' apply_chat_template, and the same next-token distribution', async (context) => {
    const built = ready(context);
    if (built === undefined) return;
    const base = await compareWithTransformers(built, { adapter: false });
    assert.deepEqual(base.tokensIdentical, checkedConversations.map(() => true));
    for (const difference of base.maxAbsoluteDifference) assert.ok(difference < logProbabilityTolerance, `base log-probabilities differ by ${difference}`);
    const adapted = await compareWithTransformers(built, { adapter: true });
    for (const difference of adapted.maxAbsoluteDifference) assert.ok(difference < logProbabilityTolerance, `adapter log-probabilities differ by ${difference}`);
  });

  it('trains: her training replies become far more likely with the adapter (persona eval style --split train)', (context) => {
    const built = ready(context);
    if (built === undefined) return;
    const figures = trainingPerplexity(built, 3);
    process.stderr.write(`# perplexity of 3 training replies: base ${figures.base.toFixed(0)}, adapter ${figures.adapter.toFixed(0)}\n`);
    assert.equal(figures.examples, 3);
    assert.ok(figures.adapter * 5 < figures.base, `adapter ${figures.adapter} is not far below base ${figures.base}`);
  });

  it('refuses, at import, an adapter made for another base model', (context) => {
    const built = ready(context);
    if (built === undefined) return;
    // The project's older tiny test model: 64 wide too, but 4 KV heads, so its value projection is 64→64, not 64→32.
    const foreign = path.join(folder, 'foreign-lora.gguf');
    writeFileSync(foreign, encodeGguf(buildTinyLoraAdapter({ seed: 3 })));
    const added = runPersona(built.home, ['adapters', 'add', foreign, '--persona', 'meera', '--id', 'foreign'], built.environment);
    assert.notEqual(added.status, 0);
    assert.match(added.stderr, /foreign-lora\.gguf: cannot load this LoRA adapter \(blk\.0\.attn_v\.weight is 64→64 in the adapter but 64→32 in .*tiny-llama-3\.gguf: it was made for another base model\)/);
    const listed = runPersona(built.home, ['adapters', 'list', '--json'], built.environment).stdout;
    assert.doesNotMatch(listed, /"foreign"/);
  });

  it('refuses a truncated adapter file and a peft folder that does not add up, naming them', (context) => {
    const built = ready(context);
    if (built === undefined) return;
    const truncated = path.join(folder, 'truncated.gguf');
    copyFileSync(path.join(built.environment.PERSONA_VAULT!, 'adapters', `${built.adapterId}.gguf`), truncated);
    truncateSync(truncated, Math.floor(statSync(truncated).size / 2));
    const added = runPersona(built.home, ['adapters', 'add', truncated, '--persona', 'meera', '--id', 'truncated'], built.environment);
    assert.notEqual(added.status, 0);
    assert.match(added.stderr, /truncated\.gguf: cannot load this LoRA adapter \(truncated/);

    const lying = path.join(folder, 'lying-peft');
    mkdirSync(lying);
    copyFileSync(path.join(built.peftAdapter, 'adapter_model.safetensors'), path.join(lying, 'adapter_model.safetensors'));
    const config = JSON.parse(readFileSync(path.join(built.peftAdapter, 'adapter_config.json'), 'utf8')) as { r: number };
    writeFileSync(path.join(lying, 'adapter_config.json'), JSON.stringify({ ...config, r: 8 }));
    const imported = runPersona(built.home, ['adapters', 'import', lying, '--persona', 'meera'], built.environment);
    assert.notEqual(imported.status, 0);
    assert.match(imported.stderr, /lying-peft: .*has rank 64x64, adapter_config says r=8/);

    const notPeft = path.join(folder, 'not-peft');
    mkdirSync(notPeft);
    const missing = runPersona(built.home, ['adapters', 'import', notPeft, '--persona', 'meera'], built.environment);
    assert.match(missing.stderr, /not-peft: no adapter_config\.json: not a peft adapter folder/);
    assert.ok(!existsSync(path.join(built.environment.PERSONA_VAULT!, 'adapters', 'lying-peft.gguf')));
  });
});
