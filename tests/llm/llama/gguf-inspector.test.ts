/**
 * The GGUF check that runs before llama.cpp sees a file: pure JavaScript, so corrupt files
 * are safe to read in-process here (malformed-gguf.test.ts covers the engine end to end).
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { inspectGgufFile } from '../../../src/llm/llama/gguf-inspector.js';
import { encodeGguf, type GgufContent } from '../../../src/llm/llama/gguf-writer.js';
import { ModelFileInvalidError, ModelFileMissingError } from '../../../src/llm/llama/model-file-errors.js';
import { buildTinyLlamaModel, buildTinyLoraAdapter } from '../../../src/llm/llama/tiny-llama-model.js';
import { makeTemporaryFolder } from '../../helpers/temporary-folder-per-file.js';

const folder = makeTemporaryFolder('gguf-inspector');
const model = encodeGguf(buildTinyLlamaModel());
let counter = 0;

function write(bytes: Buffer): string {
  counter += 1;
  const file = path.join(folder, `file-${counter}.gguf`);
  writeFileSync(file, bytes);
  return file;
}

async function reasonFor(bytes: Buffer): Promise<string> {
  const file = write(bytes);
  try {
    await inspectGgufFile(file);
  } catch (error) {
    assert.ok(error instanceof ModelFileInvalidError, String(error));
    assert.equal(error.path, file);
    assert.ok(error.message.startsWith(`${file}: `));
    return error.reason;
  }
  assert.fail('the file passed the check');
}

describe('GGUF inspector', () => {
  it('reads the tiny model and its adapter', async () => {
    const summary = await inspectGgufFile(write(model));
    assert.equal(summary.version, 3);
    assert.equal(summary.tensorCount, 2 + 2 * 9 + 1);
    assert.equal(summary.fileSize, model.length);
    assert.equal(summary.strings.get('general.architecture'), 'llama');
    assert.equal(summary.strings.get('general.type'), 'model');
    const adapter = await inspectGgufFile(write(encodeGguf(buildTinyLoraAdapter({ seed: 7 }))), { kind: 'adapter' });
    assert.equal(adapter.strings.get('general.type'), 'adapter');
    assert.equal(adapter.strings.get('adapter.type'), 'lora');
  });

  it('keeps the chat template, which decides the prompt format', async () => {
    const base = buildTinyLlamaModel();
    const template = '{% for message in messages %}{{ message.content }}{% endfor %}';
    const content: GgufContent = { ...base, metadata: [...base.metadata, ['tokenizer.chat_template', { type: 'string', value: template }]] };
    const summary = await inspectGgufFile(write(encodeGguf(content)));
    assert.equal(summary.strings.get('tokenizer.chat_template'), template);
  });

  it('finds truncation wherever the file is cut', async () => {
    for (const length of [0, 10, 23, 24, 200, 5_000, 40_000, model.length - 1]) {
      assert.match(await reasonFor(model.subarray(0, length)), /truncated/, `cut at ${length}`);
    }
  });

  it('rejects a wrong magic, version or absurd counts', async () => {
    const magic = Buffer.from(model);
    magic.write('GGML', 0, 'latin1');
    assert.match(await reasonFor(magic), /not a GGUF file: it starts with "GGML"/);
    const version = Buffer.from(model);
    version.writeUInt32LE(1, 4);
    assert.match(await reasonFor(version), /unsupported GGUF version 1/);
    const tensors = Buffer.from(model);
    tensors.writeBigUInt64LE(0xffff_ffff_ffffn, 8);
    assert.match(await reasonFor(tensors), /absurd tensor count/);
    const metadata = Buffer.from(model);
    metadata.writeBigUInt64LE(1n << 62n, 16);
    assert.match(await reasonFor(metadata), /absurd metadata count/);
  });

  it('rejects a string length that runs past the end of the file', async () => {
    const bytes = Buffer.from(model);
    bytes.writeBigUInt64LE(1n << 40n, 24); // the first metadata key's length
    assert.match(await reasonFor(bytes), /claims|truncated/);
  });

  it('names a missing file and says which kind it is', async () => {
    const missing = path.join(folder, 'absent.gguf');
    await assert.rejects(inspectGgufFile(missing, { kind: 'adapter', adapterId: 'meera-v2' }), (error: unknown) => {
      assert.ok(error instanceof ModelFileMissingError);
      assert.equal(error.kind, 'adapter');
      assert.match(error.message, /'meera-v2'/);
      return true;
    });
    await assert.rejects(inspectGgufFile(folder), ModelFileInvalidError);
  });
});
