/**
 * The model paths on real llama.cpp with the tiny test GGUF: its text is noise, so the
 * profile and the interview questions fall back cleanly to their deterministic paths, with
 * the reason, and nothing half-built is stored.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { createLlamaEngine } from '../../../src/llm/llama/llama-engine.js';
import { writeTinyModelFiles } from '../../../src/llm/llama/tiny-llama-model.js';
import type { LlmEngine } from '../../../src/llm/llm-engine.js';
import { chooseQuestions } from '../../../src/persona/interview/choose-questions.js';
import { importInterviews } from '../../../src/persona/interview/import-interviews.js';
import { buildProfile } from '../../../src/persona/profile/build-profile.js';
import { listProfileVersions } from '../../../src/persona/profile/profile-repository.js';
import { openStore, type Store } from '../../../src/store/store.js';
import { makeTemporaryFolder } from '../../helpers/temporary-folder-per-file.js';
import { testConfig } from '../../helpers/test-config.js';

const home = makeTemporaryFolder('tiny-profile');
let store: Store;
let engine: LlmEngine;

before(async () => {
  store = openStore(testConfig(home));
  await importInterviews(store.database, 'meera', path.resolve('examples/meera-krishnan/interviews/answers.interview.json'), {
    chunking: { targetTokens: 500, overlapTokens: 60 },
    limits: { maxFileBytes: 1024 ** 2, maxUnzippedBytes: 1024 ** 2 },
  });
  const files = writeTinyModelFiles(path.join(home, 'models'));
  engine = await createLlamaEngine({ modelPath: files.modelPath, gpu: false });
});

after(async () => {
  await engine.close();
  store.close();
});

test('the profile falls back to the deterministic one when the model writes noise', { timeout: 120_000 }, async () => {
  assert.equal(engine.capabilities.generative, true);
  const built = await buildProfile(store.database, 'meera', { engine });
  assert.equal(built.stored.origin, 'fingerprint');
  assert.match(built.fallbackReason ?? '', /JSON/);
  assert.ok(built.stored.profile.traits.length >= 1);
  assert.deepEqual(listProfileVersions(store.database, 'meera').map((entry) => entry.version), [1]);
});

test('interview questions fall back to the bank, still skipping answered ones', { timeout: 120_000 }, async () => {
  const chosen = await chooseQuestions(store.database, 'meera', { count: 3, engine });
  assert.equal(chosen.origin, 'bank');
  assert.match(chosen.fallbackReason ?? '', /JSON/);
  assert.equal(chosen.questions.length, 3);
  const answered = store.database.prepare("SELECT lower(question) FROM interviews WHERE persona_id = 'meera'").pluck().all() as string[];
  assert.ok(chosen.questions.every((question) => !answered.includes(question.text.toLowerCase())));
});
