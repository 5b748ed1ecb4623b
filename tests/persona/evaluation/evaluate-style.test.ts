/**
 * The style evaluation end to end on real llama.cpp: the sample persona's held-out split,
 * the tiny GGUF with its tiny LoRA from the vault. The figures mean nothing (the model is
 * noise); the mechanics are real: every field is filled, the report files are written, the
 * `style_evaluations` row and the adapter's manifest entry record the figures.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type AdapterVault, openAdapterVault } from '../../../src/llm/adapter-vault.js';
import { type LlamaEngine, createLlamaEngine } from '../../../src/llm/llama/llama-engine.js';
import { writeTinyModelFiles } from '../../../src/llm/llama/tiny-llama-model.js';
import { buildDataset } from '../../../src/persona/dataset/build-dataset.js';
import { evaluateStyle, type StyleProgress } from '../../../src/persona/evaluation/evaluate-style.js';
import { listStyleEvaluations, recordAdapterEvaluation, saveStyleEvaluation } from '../../../src/persona/evaluation/save-style-evaluation.js';
import type { StyleReport } from '../../../src/persona/evaluation/style-report.js';
import { writeStyleReport } from '../../../src/persona/evaluation/write-style-report.js';
import { openStore, type Store } from '../../../src/store/store.js';
import { ingestSamplePersona } from '../../helpers/sample-persona.js';
import { makeTemporaryFolder } from '../../helpers/temporary-folder-per-file.js';
import { testConfig } from '../../helpers/test-config.js';

const folder = makeTemporaryFolder('evaluate-style');
let store: Store;
let engine: LlamaEngine;
let vault: AdapterVault;
let report: StyleReport;
const progress: StyleProgress[] = [];

before(async () => {
  store = openStore(testConfig(path.join(folder, 'home')));
  await ingestSamplePersona(store);
  const files = writeTinyModelFiles(path.join(folder, 'models'));
  vault = openAdapterVault(path.join(folder, 'vault'));
  vault.add(files.adapterAPath, { id: 'meera-tiny', persona: 'meera', baseModel: { name: 'tiny-llama', sha256: null } });
  engine = await createLlamaEngine({ modelPath: files.modelPath, gpu: false });
  const entry = vault.find('meera-tiny')!;
  report = await evaluateStyle({
    database: store.database,
    persona: 'meera',
    engine,
    adapter: { id: entry.id, filePath: vault.filePath(entry), scale: entry.scale },
    limit: 3,
    maxTokens: 24,
    model: files.modelPath,
    onProgress: (step) => progress.push(step),
  });
});

after(async () => {
  await engine?.close();
  store?.close();
});

describe('evaluateStyle on the tiny GGUF with its LoRA', () => {
  it('evaluates the held-out examples of the dataset split, and reports progress', () => {
    const { validation } = buildDataset(store.database, 'meera', { seed: 1 });
    assert.equal(report.validationExamples, validation.length);
    assert.equal(report.examples, Math.min(3, validation.length));
    assert.ok(report.examples > 0);
    assert.deepEqual(
      report.results.map((result) => result.reference),
      validation.slice(0, report.examples).map((example) => example.messages[2].content),
    );
    assert.deepEqual(progress.map((step) => step.done), report.results.map((_, index) => index + 1));
    assert.equal(progress.at(-1)?.etaMs, 0);
  });

  it('fills every figure: fingerprint distance, chrF, perplexity with and without the adapter, latency', () => {
    assert.equal(report.engine, 'llama');
    assert.equal(report.adapter, 'meera-tiny');
    assert.ok(report.fingerprintDistance !== null && Number.isFinite(report.fingerprintDistance) && report.fingerprintDistance >= 0);
    assert.ok(report.chrF !== null && report.chrF >= 0 && report.chrF <= 100);
    assert.ok(report.corpusChrF !== null);
    assert.ok(report.perplexity.base !== null && report.perplexity.base > 1);
    assert.ok(report.perplexity.adapter !== null && report.perplexity.adapter > 1);
    assert.notEqual(report.perplexity.base, report.perplexity.adapter);
    assert.equal(report.perplexity.note, null);
    for (const value of Object.values(report.latency)) assert.ok(value !== null && value > 0);
    for (const result of report.results) assert.ok(result.generated.length > 0 && result.generated.length <= 24);
  });

  it('writes report.md and report.json, a style_evaluations row and the adapter\'s manifest entry', async () => {
    const reportFolder = path.join(folder, 'report');
    const written = await writeStyleReport(reportFolder, report);
    assert.ok(existsSync(written.markdown));
    assert.deepEqual(JSON.parse(readFileSync(written.json, 'utf8')), JSON.parse(JSON.stringify(report)));
    const markdown = readFileSync(written.markdown, 'utf8');
    for (const label of ['fingerprint distance', 'chrF', 'perplexity of the real replies, base model', 'perplexity of the real replies, adapter', 'latency per answer, median', 'time to first token']) {
      assert.ok(markdown.includes(label), label);
    }
    const id = saveStyleEvaluation(store.database, report);
    const stored = listStyleEvaluations(store.database, 'meera');
    assert.equal(stored.at(-1)?.id, id);
    assert.equal(stored.at(-1)?.adapterId, 'meera-tiny');
    assert.equal(stored.at(-1)?.report.chrF, report.chrF);

    recordAdapterEvaluation(vault, report, reportFolder);
    const evaluation = openAdapterVault(vault.folder).find('meera-tiny')?.evaluation;
    assert.equal(evaluation?.perplexityAdapter, report.perplexity.adapter);
    assert.equal(evaluation?.fingerprintDistance, report.fingerprintDistance);
    assert.equal(evaluation?.examples, report.examples);
    assert.equal(evaluation?.report, reportFolder);
  });
});
