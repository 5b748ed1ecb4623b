import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { PersonaError } from '../../../src/errors.js';
import { ModelMissingError } from '../../../src/rag/onnx/model-missing-error.js';
import { ModelUnreadableError } from '../../../src/rag/onnx/model-unreadable-error.js';
import { createOnnxEmbedder } from '../../../src/rag/onnx/onnx-embedder.js';
import { temporaryFolder } from '../../helpers/temporary-folder.js';
import { writeTinyBertFolder } from './make-tiny-bert.js';

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

test('a missing model folder is a not-found error naming the folder and the pull command', async (context) => {
  const folder = path.join(temporaryFolder(context), 'models', 'all-MiniLM-L6-v2');
  await assert.rejects(createOnnxEmbedder({ modelFolder: folder, model: 'all-MiniLM-L6-v2' }), (error: unknown) => {
    assert.ok(error instanceof ModelMissingError);
    assert.ok(error instanceof PersonaError);
    assert.equal(error.code, 'not-found');
    assert.equal(error.path, folder);
    assert.match(error.message, new RegExp(escape(folder)));
    assert.match(error.message, /persona models pull all-MiniLM-L6-v2/);
    return true;
  });
});

test('a folder without model.onnx names the file and the model to pull', async (context) => {
  const folder = writeTinyBertFolder(temporaryFolder(context));
  rmSync(path.join(folder, 'model.onnx'));
  await assert.rejects(createOnnxEmbedder({ modelFolder: folder, model: 'nomic-embed-text-v1.5' }), (error: unknown) => {
    assert.ok(error instanceof ModelMissingError);
    assert.match(error.message, new RegExp(escape(path.join(folder, 'model.onnx'))));
    assert.match(error.message, /persona models pull nomic-embed-text-v1\.5/);
    return true;
  });
});

test('a folder without tokenizer.json or vocab.txt names the tokenizer file', async (context) => {
  const folder = writeTinyBertFolder(temporaryFolder(context));
  rmSync(path.join(folder, 'tokenizer.json'));
  await assert.rejects(createOnnxEmbedder({ modelFolder: folder, model: 'all-MiniLM-L6-v2' }), (error: unknown) => {
    assert.ok(error instanceof ModelMissingError);
    assert.match(error.message, /tokenizer\.json or vocab\.txt/);
    assert.match(error.message, /persona models pull all-MiniLM-L6-v2/);
    return true;
  });
});

test('a corrupt or truncated model file is an error naming the file', async (context) => {
  const folder = writeTinyBertFolder(temporaryFolder(context));
  const modelFile = path.join(folder, 'model.onnx');
  const complete = readFileSync(modelFile);
  for (const [label, bytes] of [
    ['garbage', Buffer.from('<html>404 Not Found</html>')],
    ['truncated', complete.subarray(0, Math.floor(complete.length / 2))],
    ['empty', Buffer.alloc(0)],
  ] as const) {
    writeFileSync(modelFile, bytes);
    await assert.rejects(createOnnxEmbedder({ modelFolder: folder, model: 'all-MiniLM-L6-v2' }), (error: unknown) => {
      assert.ok(error instanceof ModelUnreadableError, label);
      assert.equal(error.path, modelFile);
      assert.ok(error.message.startsWith(`${modelFile}: `), `${label}: ${error.message}`);
      assert.match(error.message, /corrupt/);
      return true;
    });
  }
});

test('a corrupt tokenizer.json, or one that is not WordPiece, is an error naming the file', async (context) => {
  const folder = writeTinyBertFolder(temporaryFolder(context));
  const tokenizerFile = path.join(folder, 'tokenizer.json');
  const valid = readFileSync(tokenizerFile, 'utf8');
  writeFileSync(tokenizerFile, valid.slice(0, 100));
  await assert.rejects(createOnnxEmbedder({ modelFolder: folder, model: 'all-MiniLM-L6-v2' }), (error: unknown) => {
    assert.ok(error instanceof ModelUnreadableError);
    assert.match(error.message, new RegExp(`^${escape(tokenizerFile)}: .*not valid JSON`));
    return true;
  });
  const json = JSON.parse(valid) as { model: { type: string } };
  json.model.type = 'BPE';
  writeFileSync(tokenizerFile, JSON.stringify(json));
  await assert.rejects(createOnnxEmbedder({ modelFolder: folder, model: 'all-MiniLM-L6-v2' }), /tokenizer\.json: .*BPE, not WordPiece/);
});
