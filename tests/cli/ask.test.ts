import assert from 'node:assert/strict';
import path from 'node:path';
import { before, test } from 'node:test';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import { runPersona } from '../helpers/run-persona.js';

const home = mkdtempSync(path.join(os.tmpdir(), 'persona-ask-'));

before(() => {
  const ingest = runPersona(home, ['ingest', path.resolve('examples/meera-krishnan'), '--persona', 'meera', '--author', 'Meera Krishnan', '--author', 'meera@kaveri-bridgeworks.example', '--no-embed']);
  assert.equal(ingest.status, 0, ingest.stderr);
  const embed = runPersona(home, ['embed', '--persona', 'meera']);
  assert.equal(embed.status, 0, embed.stderr);
});

test('persona ask with no model answers by recall, cites sources, and is remembered', { timeout: 120_000 }, () => {
  const result = runPersona(home, ['ask', 'What do you drink in the morning?', '--persona', 'meera', '--json'], { PERSONA_MODELS: path.join(home, 'no-models') });
  assert.equal(result.status, 0, result.stderr);
  const answer = JSON.parse(result.stdout) as { answer: string; sources: { label: string }[]; engine: string; timings: { retrievalMs: number } };
  assert.equal(answer.engine, 'recall');
  assert.match(answer.answer, /Recalling/);
  assert.match(answer.answer, /Filter coffee made the slow way/);
  assert.match(answer.sources[0]!.label, /childhood\.interview\.md/);
  assert.ok(answer.timings.retrievalMs > 0);

  const streamed = runPersona(home, ['ask', 'Tell me about quantum chromodynamics', '--persona', 'meera'], { PERSONA_MODELS: path.join(home, 'no-models') });
  assert.equal(streamed.status, 0, streamed.stderr);
  assert.match(streamed.stdout, /Sources:/);
  assert.match(streamed.stderr, /recall engine/);
});

test('asking for the llama engine without a model names `persona models pull`', { timeout: 60_000 }, () => {
  const result = runPersona(home, ['ask', 'Hello?', '--persona', 'meera', '--engine', 'llama'], { PERSONA_MODELS: path.join(home, 'no-models') });
  assert.equal(result.status, 1);
  assert.match(result.stderr, /persona models pull llama-3-8b-instruct-q4_k_m/);
});

test('persona ask on a GGUF model answers through the persona\'s adapter from the vault', { timeout: 120_000 }, () => {
  const models = path.join(home, 'tiny');
  const made = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/make-tiny-model.ts', models], { encoding: 'utf8' });
  assert.equal(made.status, 0, made.stderr);
  const environment = { PERSONA_LLM_MODEL: path.join(models, 'tiny-llama.gguf'), PERSONA_VAULT: path.join(home, 'vault'), PERSONA_LLM_GPU: 'off' };
  const added = runPersona(home, ['adapters', 'add', path.join(models, 'tiny-lora-a.gguf'), '--persona', 'meera', '--id', 'meera-a', '--base', 'tiny-llama'], environment);
  assert.equal(added.status, 0, added.stderr);

  const withAdapter = runPersona(home, ['ask', 'How are the drains?', '--persona', 'meera', '--json'], environment);
  assert.equal(withAdapter.status, 0, withAdapter.stderr);
  const answer = JSON.parse(withAdapter.stdout) as { answer: string; engine: string; adapter: { id?: string; reason: string }; timings: { firstTokenMs?: number } };
  assert.equal(answer.engine, 'llama');
  assert.deepEqual(answer.adapter, { id: 'meera-a', reason: 'persona' });
  assert.ok(answer.answer.length > 0);
  assert.ok((answer.timings.firstTokenMs ?? 0) > 0);

  runPersona(home, ['adapters', 'remove', 'meera-a'], environment);
  const base = JSON.parse(runPersona(home, ['ask', 'How are the drains?', '--persona', 'meera', '--json'], environment).stdout) as { adapter: { reason: string } };
  assert.equal(base.adapter.reason, 'base');
});
