/**
 * Broken model and adapter files fail with a typed error that names the file. llama.cpp can
 * abort the process natively on a malformed GGUF, so each case opens the engine in a child
 * process (open-engine-child.ts): a crash there shows up as a failed test, not a dead runner.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { before, describe, it } from 'node:test';
import { encodeGguf } from '../../../src/llm/llama/gguf-writer.js';
import { buildTinyLlamaModel, writeTinyModelFiles, type TinyModelFiles } from '../../../src/llm/llama/tiny-llama-model.js';
import { makeTemporaryFolder } from '../../helpers/temporary-folder-per-file.js';

const run = promisify(execFile);
const child = path.join(path.dirname(fileURLToPath(import.meta.url)), 'open-engine-child.ts');
const folder = makeTemporaryFolder('llama-malformed');

interface Outcome {
  outcome: 'answered' | 'failed';
  name?: string;
  code?: string;
  message?: string;
  text?: string;
}

async function openInChild(...files: string[]): Promise<Outcome> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', child, ...files], { timeout: 60_000 });
  const line = stdout.trim().split('\n').at(-1) ?? '';
  return JSON.parse(line) as Outcome;
}

function variant(name: string, bytes: Buffer): string {
  const file = path.join(folder, name);
  writeFileSync(file, bytes);
  return file;
}

function assertUnreadable(outcome: Outcome, file: string, reason: RegExp): void {
  assert.equal(outcome.outcome, 'failed', JSON.stringify(outcome));
  assert.equal(outcome.name, 'ModelFileInvalidError');
  assert.equal(outcome.code, 'input-unreadable');
  assert.ok(outcome.message?.includes(file), outcome.message);
  assert.match(outcome.message ?? '', reason);
}

let files: TinyModelFiles;
let model: Buffer;

before(() => {
  files = writeTinyModelFiles(folder);
  model = encodeGguf(buildTinyLlamaModel());
});

describe('malformed GGUF files', { concurrency: 2 }, () => {
  it('the intact model answers in a child process (the harness works)', async () => {
    const outcome = await openInChild(files.modelPath);
    assert.equal(outcome.outcome, 'answered', JSON.stringify(outcome));
    assert.ok((outcome.text ?? '').length > 0);
  });

  it('a truncated model', async () => {
    const file = variant('truncated.gguf', model.subarray(0, Math.floor(model.length * 0.6)));
    assertUnreadable(await openInChild(file), file, /truncated/);
  });

  it('a model cut inside its metadata', async () => {
    const file = variant('cut-header.gguf', model.subarray(0, 100));
    assertUnreadable(await openInChild(file), file, /truncated/);
  });

  it('a file with the wrong magic', async () => {
    const bytes = Buffer.from(model);
    bytes.write('GGML', 0, 'latin1');
    const file = variant('wrong-magic.gguf', bytes);
    assertUnreadable(await openInChild(file), file, /not a GGUF file/);
  });

  it('an absurd tensor count', async () => {
    const bytes = Buffer.from(model);
    bytes.writeBigUInt64LE(1n << 40n, 8);
    const file = variant('tensor-count.gguf', bytes);
    assertUnreadable(await openInChild(file), file, /absurd tensor count/);
  });

  it('a tensor count one too many', async () => {
    const bytes = Buffer.from(model);
    bytes.writeBigUInt64LE(bytes.readBigUInt64LE(8) + 1n, 8);
    const file = variant('tensor-count-plus-one.gguf', bytes);
    assertUnreadable(await openInChild(file), file, /.+/);
  });

  it('an unsupported version', async () => {
    const bytes = Buffer.from(model);
    bytes.writeUInt32LE(99, 4);
    const file = variant('version.gguf', bytes);
    assertUnreadable(await openInChild(file), file, /version 99/);
  });

  it('an empty file', async () => {
    const file = variant('empty.gguf', Buffer.alloc(0));
    assertUnreadable(await openInChild(file), file, /truncated/);
  });

  it('a sound GGUF that is not a complete llama model, with llama.cpp\'s reason', async () => {
    const base = buildTinyLlamaModel();
    const incomplete = encodeGguf({ ...base, tensors: base.tensors.filter((tensor) => tensor.name !== 'output_norm.weight') });
    const file = variant('missing-tensor.gguf', incomplete);
    assertUnreadable(await openInChild(file), file, /missing tensor 'output_norm.weight'/);
  });

  it('a truncated LoRA adapter', async () => {
    const adapter = readFileSync(files.adapterAPath);
    const file = variant('truncated-lora.gguf', adapter.subarray(0, adapter.length - 4096));
    const outcome = await openInChild(files.modelPath, file);
    assertUnreadable(outcome, file, /truncated/);
    assert.match(outcome.message ?? '', /LoRA adapter/);
  });
});
