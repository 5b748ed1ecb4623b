import assert from 'node:assert/strict';
import path from 'node:path';
import { before, test } from 'node:test';
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
