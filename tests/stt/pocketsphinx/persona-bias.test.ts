import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StoreError } from '../../../src/errors.js';
import { openStore } from '../../../src/store/store.js';
import { commonQuestionForms, loadPersonaBias } from '../../../src/stt/persona-bias.js';
import { createPocketsphinxEngine } from '../../../src/stt/pocketsphinx/pocketsphinx-engine.js';
import { ingestSamplePersona } from '../../helpers/sample-persona.js';
import { temporaryFolder } from '../../helpers/temporary-folder.js';
import { testConfig } from '../../helpers/test-config.js';

test('the sample persona’s bias holds her name, her writing, interview questions and question forms', async (context) => {
  const home = temporaryFolder(context);
  using store = openStore(testConfig(home, { PERSONA_ENCRYPT: 'false' }));
  await ingestSamplePersona(store);
  const bias = loadPersonaBias(store, 'meera');
  const text = bias.phrases.join('\n');
  assert.match(text, /Meera Krishnan/);
  assert.match(text, /Kaveri Bridgeworks/);
  assert.match(text, /footbridge/i);
  for (const form of commonQuestionForms) assert.ok(bias.phrases.includes(form), form);
  const interviewQuestions = store.database.prepare("SELECT question FROM interviews WHERE persona_id = 'meera'").all() as { question: string }[];
  assert.ok(interviewQuestions.length > 0);
  for (const { question } of interviewQuestions) assert.ok(bias.phrases.includes(question), question);

  const capped = loadPersonaBias(store, 'meera', { maxSentences: 5 });
  assert.ok(capped.phrases.length < bias.phrases.length);
  const tiny = loadPersonaBias(store, 'meera', { maxCharacters: 200 });
  assert.ok(tiny.phrases.join('').length <= 200);

  assert.throws(() => loadPersonaBias(store, 'nobody'), (error: unknown) => error instanceof StoreError && error.code === 'not-found' && /"nobody"/.test(error.message));

  // The model built from it keeps her names in the vocabulary, reports what it dropped, and is cached.
  const engine = createPocketsphinxEngine({ cacheFolder: temporaryFolder(context) });
  try {
    const model = await engine.biasedModel(bias);
    for (const name of ['meera', 'kaveri']) assert.ok(model.generatedWords.includes(name), `${name} in ${model.generatedWords.join(', ')}`);
    assert.ok(model.vocabularySize > 10_000);
    const again = await engine.biasedModel(bias);
    assert.equal(again.key, model.key);
    assert.deepEqual(again.droppedWords, model.droppedWords);
    const other = await engine.biasedModel({ phrases: [...bias.phrases, 'A different sentence about scuppers.'] });
    assert.notEqual(other.key, model.key);
  } finally {
    await engine.close();
  }
});
