/**
 * The llama engine on real llama.cpp, with the tiny model and two LoRA adapters generated
 * into a temporary folder. The tiny model never emits end-of-sequence, so every turn runs
 * to `maxTokens`, and greedy decoding makes each answer reproducible.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PersonaError } from '../../../src/errors.js';
import type { AdapterChoice, ChatMessage, GenerateRequest } from '../../../src/llm/llm-engine.js';
import { type LlamaEngine, createLlamaEngine } from '../../../src/llm/llama/llama-engine.js';
import { ModelFileInvalidError, ModelFileMissingError } from '../../../src/llm/llama/model-file-errors.js';
import { writeGgufFile } from '../../../src/llm/llama/gguf-writer.js';
import { type TinyModelFiles, buildTinyLlamaModel, tinyLlamaShape, writeTinyModelFiles } from '../../../src/llm/llama/tiny-llama-model.js';
import { makeTemporaryFolder } from '../../helpers/temporary-folder-per-file.js';

const folder = makeTemporaryFolder('llama-engine');
const messages: ChatMessage[] = [
  { role: 'system', content: 'You are Meera. Answer in her words.' },
  { role: 'user', content: 'What do you drink in the morning?' },
];

let files: TinyModelFiles;
let engine: LlamaEngine;
let adapterA: AdapterChoice;
let adapterB: AdapterChoice;

async function collect(request: Partial<GenerateRequest> = {}): Promise<string[]> {
  const deltas: string[] = [];
  for await (const delta of engine.generate({ messages, maxTokens: 16, temperature: 0, ...request })) {
    assert.equal(delta.type, 'text-delta');
    deltas.push(delta.text);
  }
  return deltas;
}

async function answer(adapter?: AdapterChoice): Promise<string> {
  return (await collect(adapter === undefined ? {} : { adapter })).join('');
}

before(async () => {
  files = writeTinyModelFiles(folder);
  adapterA = { id: 'persona-a', filePath: files.adapterAPath };
  adapterB = { id: 'persona-b', filePath: files.adapterBPath };
  engine = await createLlamaEngine({ modelPath: files.modelPath, gpu: false });
});

after(async () => {
  await engine.close();
});

describe('llama engine', () => {
  it('says what it is and which backend it chose', () => {
    assert.equal(engine.id, 'llama');
    assert.deepEqual(engine.capabilities, { adapters: true, streaming: true, generative: true, contextTokens: 4096 });
    assert.equal(engine.modelPath, path.resolve(files.modelPath));
    assert.equal(engine.backend, 'cpu');
    // The tiny model has no chat template: the plain fallback, not node-llama-cpp's Llama 2 guess.
    assert.equal(engine.chatFormat, 'General');
  });

  it('streams an answer as several text deltas, at most maxTokens long', async () => {
    const deltas = await collect({ maxTokens: 20 });
    assert.ok(deltas.length >= 5, `expected several deltas, got ${deltas.length}`);
    assert.ok(deltas.every((text) => text.length > 0));
    const text = deltas.join('');
    assert.ok(text.length > 0 && text.length <= 20, JSON.stringify(text));
    assert.equal(engine.lastAdapterId, null);
  });

  it('is reproducible at temperature 0', async () => {
    assert.equal(await answer(), await answer());
  });

  it('samples reproducibly with a seed above temperature 0', async () => {
    const sampled = async (seed: number): Promise<string> => (await collect({ temperature: 1, seed, maxTokens: 24 })).join('');
    const first = await sampled(7);
    assert.equal(await sampled(7), first);
    assert.notEqual(await sampled(8), first);
  });

  it('changes the greedy answer with a LoRA adapter, and adapter A differs from adapter B', async () => {
    const base = await answer();
    const withA = await answer(adapterA);
    assert.equal(engine.lastAdapterId, 'persona-a');
    const withB = await answer(adapterB);
    assert.equal(engine.lastAdapterId, 'persona-b');
    assert.notEqual(withA, base);
    assert.notEqual(withB, base);
    assert.notEqual(withA, withB);
  });

  it('switches adapters A → base → B → A without reloading the model or recreating contexts', async () => {
    const reference = { a: await answer(adapterA), base: await answer(), b: await answer(adapterB) };
    const before = engine.stats();
    const sequence: Array<[AdapterChoice | undefined, string, string | null]> = [
      [adapterA, reference.a, 'persona-a'],
      [undefined, reference.base, null],
      [adapterB, reference.b, 'persona-b'],
      [adapterA, reference.a, 'persona-a'],
    ];
    for (const [adapter, expected, id] of sequence) {
      assert.equal(await answer(adapter), expected);
      assert.equal(engine.lastAdapterId, id);
    }
    const afterSwitches = engine.stats();
    assert.equal(afterSwitches.modelLoads, 1);
    assert.equal(afterSwitches.contextsCreated, before.contextsCreated);
    assert.equal(afterSwitches.contextsDisposed, before.contextsDisposed);
    assert.deepEqual(engine.loadedAdapters(), ['persona-b', 'persona-a']);
  });

  it('stops at once on abort after the first delta, and the stream simply ends', async () => {
    await answer(); // the base context exists and holds the prompt
    const controller = new AbortController();
    const tokensBefore = engine.stats().outputTokens;
    const deltas: string[] = [];
    for await (const delta of engine.generate({ messages, maxTokens: 300, temperature: 0, signal: controller.signal })) {
      deltas.push(delta.text);
      controller.abort();
    }
    assert.equal(deltas.length, 1);
    // The next turn on the same context waits for the aborted one to let go of it, so by
    // then llama.cpp has stopped: it produced far fewer than the 300 tokens asked for.
    assert.ok((await answer()).length > 0);
    const aborted = engine.stats().outputTokens - tokensBefore - 16;
    assert.ok(aborted < 50, `the aborted turn generated ${aborted} tokens`);
  });

  it('ends quietly with no delta when the signal is already aborted', async () => {
    const deltas = await collect({ signal: AbortSignal.abort() });
    assert.deepEqual(deltas, []);
  });

  it('stops generating when the reader stops reading', async () => {
    const tokensBefore = engine.stats().outputTokens;
    for await (const _delta of engine.generate({ messages, maxTokens: 300, temperature: 0 })) break;
    assert.ok((await answer()).length > 0);
    assert.ok(engine.stats().outputTokens - tokensBefore - 16 < 50);
  });

  it('queues turns on the same adapter and gives each the same greedy answer', async () => {
    const expected = await answer(adapterA);
    const answers = await Promise.all([answer(adapterA), answer(adapterA), answer(adapterB)]);
    assert.equal(answers[0], expected);
    assert.equal(answers[1], expected);
    assert.notEqual(answers[2], expected);
  });

  it('ends quietly when aborted while waiting for a busy adapter', async () => {
    const busy = answer(adapterA);
    const controller = new AbortController();
    const waiting = collect({ adapter: adapterA, signal: controller.signal, maxTokens: 300 });
    controller.abort();
    assert.deepEqual(await waiting, []);
    assert.ok((await busy).length > 0);
  });

  it('says nothing for maxTokens 0, and cuts a model that never stops at the context size', async () => {
    assert.deepEqual(await collect({ maxTokens: 0 }), []);
    const tokensBefore = engine.stats().outputTokens;
    const text = (await collect({ maxTokens: undefined })).join('');
    assert.ok(text.length > 16);
    assert.ok(engine.stats().outputTokens - tokensBefore <= tinyLlamaShape.context);
  });

  it('continues a conversation that ends with an assistant message', async () => {
    const text = (await collect({ messages: [...messages, { role: 'assistant', content: 'Filter coffee, ' }] })).join('');
    assert.ok(text.length > 0);
  });

  it('names a missing adapter file', async () => {
    const missing = path.join(folder, 'no-such-adapter.gguf');
    await assert.rejects(answer({ id: 'ghost', filePath: missing }), (error: unknown) => {
      assert.ok(error instanceof ModelFileMissingError);
      assert.equal(error.code, 'not-found');
      assert.equal(error.kind, 'adapter');
      assert.match(error.message, /'ghost'/);
      assert.ok(error.message.includes(missing));
      return true;
    });
    // The failed adapter is not cached: the engine goes on answering.
    assert.ok((await answer()).length > 0);
  });

  it('rejects an adapter without a file and a model passed as an adapter', async () => {
    await assert.rejects(answer({ id: 'remote-only', servedName: 'meera' }), (error: unknown) => {
      assert.ok(error instanceof PersonaError);
      assert.equal(error.code, 'config-invalid');
      assert.match(error.message, /remote-only/);
      return true;
    });
    await assert.rejects(answer({ id: 'wrong', filePath: files.modelPath }), (error: unknown) => {
      assert.ok(error instanceof ModelFileInvalidError);
      assert.ok(error.message.includes(files.modelPath));
      assert.match(error.message, /not 'adapter'/);
      return true;
    });
  });
});

describe('llama engine chat format', () => {
  // Meta-Llama-3-8B-Instruct's template, as its GGUF files carry it.
  const llama3Template =
    "{% set loop_messages = messages %}{% for message in loop_messages %}{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n'+ message['content'] | trim + '<|eot_id|>' %}{% if loop.index0 == 0 %}{% set content = bos_token + content %}{% endif %}{{ content }}{% endfor %}{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\n\n' }}{% endif %}";

  it("uses the Llama 3 format for a model whose chat template is Llama 3's", async () => {
    const base = buildTinyLlamaModel();
    const modelPath = path.join(folder, 'with-template.gguf');
    writeGgufFile(modelPath, { ...base, metadata: [...base.metadata, ['tokenizer.chat_template', { type: 'string', value: llama3Template }]] });
    const templated = await createLlamaEngine({ modelPath, gpu: false });
    try {
      assert.equal(templated.chatFormat, 'Llama 3');
      let text = '';
      for await (const delta of templated.generate({ messages, maxTokens: 8, temperature: 0 })) text += delta.text;
      assert.ok(text.length > 0);
    } finally {
      await templated.close();
    }
  });
});

describe('llama engine context cache', () => {
  it('keeps at most maxContextsPerModel contexts, disposing the least recently used', async () => {
    const small = await createLlamaEngine({ modelPath: files.modelPath, gpu: false, maxContextsPerModel: 2 });
    try {
      const request = { messages, maxTokens: 4, temperature: 0 };
      const run = async (adapter?: AdapterChoice): Promise<void> => {
        for await (const _delta of small.generate(adapter === undefined ? request : { ...request, adapter })) {
          // read to the end
        }
      };
      await run();
      await run(adapterA);
      assert.deepEqual(small.stats(), { modelLoads: 1, contextsCreated: 2, contextsDisposed: 0, liveContexts: 2, outputTokens: small.stats().outputTokens });
      await run(adapterB); // the base model's context goes
      assert.equal(small.stats().contextsDisposed, 1);
      assert.equal(small.stats().liveContexts, 2);
      assert.deepEqual(small.loadedAdapters(), ['persona-a', 'persona-b']);
      await run(adapterB);
      await run(); // back to the base model: a new context; adapter A's goes
      assert.deepEqual(small.loadedAdapters(), ['persona-b']);
      const stats = small.stats();
      assert.equal(stats.contextsCreated, 4);
      assert.equal(stats.contextsDisposed, 2);
      assert.equal(stats.modelLoads, 1);
    } finally {
      await small.close();
    }
    assert.equal(small.stats().liveContexts, 0);
    await assert.rejects(
      (async () => {
        for await (const _delta of small.generate({ messages })) break;
      })(),
      /closed/,
    );
  });

  it('checks its options', async () => {
    await assert.rejects(createLlamaEngine({ modelPath: files.modelPath, maxContextsPerModel: 0 }), /maxContextsPerModel/);
    await assert.rejects(createLlamaEngine({ modelPath: files.modelPath, maxContextsPerModel: 100 }), /maxContextsPerModel/);
  });

  it('names a missing model file and the command that downloads it', async () => {
    const missing = path.join(folder, 'models', 'llama-3-8b-instruct.Q4_K_M.gguf');
    assert.equal(existsSync(missing), false);
    await assert.rejects(createLlamaEngine({ modelPath: missing, gpu: false }), (error: unknown) => {
      assert.ok(error instanceof ModelFileMissingError);
      assert.equal(error.code, 'not-found');
      assert.equal(error.path, missing);
      assert.ok(error.message.includes(missing));
      assert.match(error.message, /persona models pull/);
      return true;
    });
    await assert.rejects(createLlamaEngine({ modelPath: missing, modelName: 'llama-3-8b-instruct-q4_k_m' }), /`persona models pull llama-3-8b-instruct-q4_k_m`/);
  });
});
