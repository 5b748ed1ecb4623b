/**
 * `persona eval style` and `persona compare` as a user runs them, on the sample persona and
 * the tiny GGUF with a LoRA adapter in the vault (figures meaningless, mechanics real).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { before, test } from 'node:test';
import { runPersona } from '../helpers/run-persona.js';

const home = mkdtempSync(path.join(os.tmpdir(), 'persona-eval-'));
const models = path.join(home, 'tiny');
const environment = { PERSONA_LLM_MODEL: path.join(models, 'tiny-llama.gguf'), PERSONA_VAULT: path.join(home, 'vault'), PERSONA_LLM_GPU: 'off' };

function runEvalCli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['--import', 'tsx', path.resolve('tests/cli/persona-eval-cli.ts'), ...args], {
    env: { ...process.env, PERSONA_HOME: home, ...environment },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

before(() => {
  const ingest = runPersona(home, ['ingest', path.resolve('examples/meera-krishnan'), '--persona', 'meera', '--author', 'Meera Krishnan', '--author', 'meera@kaveri-bridgeworks.example', '--no-embed']);
  assert.equal(ingest.status, 0, ingest.stderr);
  const embed = runPersona(home, ['embed', '--persona', 'meera']);
  assert.equal(embed.status, 0, embed.stderr);
  const made = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/make-tiny-model.ts', models], { encoding: 'utf8' });
  assert.equal(made.status, 0, made.stderr);
  const added = runPersona(home, ['adapters', 'add', path.join(models, 'tiny-lora-a.gguf'), '--persona', 'meera', '--id', 'meera-a', '--base', 'tiny-llama'], environment);
  assert.equal(added.status, 0, added.stderr);
});

test('persona eval style writes the report, shows progress, and records the figures on the adapter', { timeout: 120_000 }, () => {
  const out = path.join(home, 'style-report');
  const result = runEvalCli(['eval', 'style', '--persona', 'meera', '--adapter', 'meera-a', '--engine', 'llama', '--limit', '2', '--max-tokens', '16', '--out', out]);
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stderr, /style eval: 1\/2, about \d+/);
  assert.match(result.stderr, /style eval: 2\/2/);
  assert.match(result.stdout, /fingerprint distance \d/);
  assert.match(result.stdout, /perplexity of the real replies: base \d+\.\d+, adapter \d+\.\d+/);
  assert.ok(existsSync(path.join(out, 'report.md')));
  const report = JSON.parse(readFileSync(path.join(out, 'report.json'), 'utf8')) as { examples: number; adapter: string };
  assert.deepEqual([report.examples, report.adapter], [2, 'meera-a']);
  const listed = JSON.parse(runPersona(home, ['adapters', 'list', '--json'], environment).stdout) as { id: string; evaluation?: { examples: number; report: string } }[];
  assert.deepEqual(listed.find((entry) => entry.id === 'meera-a')?.evaluation?.examples, 2);
});

test('persona eval style names an unknown adapter', { timeout: 60_000 }, () => {
  const result = runEvalCli(['eval', 'style', '--persona', 'meera', '--adapter', 'nobody', '--engine', 'llama']);
  assert.notEqual(result.status, 0);
  assert.match(result.stderr, /No adapter "nobody"/);
});

test('persona compare prints the base model\'s and the adapter\'s answers with their distances', { timeout: 120_000 }, () => {
  const result = runEvalCli(['compare', 'What do you drink in the morning?', '--persona', 'meera', '--engine', 'llama', '--max-tokens', '16']);
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, /── base model ── fingerprint distance \d\.\d{3}/);
  assert.match(result.stdout, /── adapter meera-a ── fingerprint distance \d\.\d{3}/);
  const json = runEvalCli(['compare', 'What do you drink in the morning?', '--persona', 'meera', '--engine', 'llama', '--max-tokens', '16', '--json']);
  assert.equal(json.status, 0, json.stderr);
  const comparison = JSON.parse(json.stdout) as { base: { adapter: null; answer: string }; tuned: { adapter: string; answer: string } };
  assert.equal(comparison.base.adapter, null);
  assert.equal(comparison.tuned.adapter, 'meera-a');
  assert.ok(comparison.base.answer.length > 0 && comparison.tuned.answer.length > 0);
  assert.notEqual(comparison.base.answer, comparison.tuned.answer);
});
