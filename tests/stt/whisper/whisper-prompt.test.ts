import assert from 'node:assert/strict';
import { test } from 'node:test';
import { commonQuestionForms } from '../../../src/stt/persona-bias.js';
import { buildWhisperPrompt } from '../../../src/stt/whisper/whisper-prompt.js';

test('the prompt is a glossary led by names and distinctive words, under the size limit', () => {
  const prompt = buildWhisperPrompt({
    phrases: [
      'Meera Krishnan.',
      'Tell me about Meera Krishnan.',
      ...commonQuestionForms,
      'We finished the Kaveri footbridge drainage in March; the Adyar estuary survey used LiDAR scans.',
      'The footbridge at Kaveri Bridgeworks needed new drainage.',
    ],
  });
  assert.ok(prompt);
  const terms = prompt.replace(/\.$/, '').split(', ');
  assert.equal(terms[0], 'Meera Krishnan');
  for (const term of ['Kaveri Bridgeworks', 'footbridge', 'drainage', 'Adyar', 'LiDAR']) assert.ok(terms.includes(term), `${term} in ${prompt}`);
  for (const common of ['what', 'you', 'the', 'Tell', 'What']) assert.ok(!terms.includes(common), `${common} left out`);
  assert.ok(prompt.length <= 600);
});

test('a long corpus is cut to the character budget; no bias or no distinctive words gives no prompt', () => {
  const many = Array.from({ length: 500 }, (_, index) => `Project Alpha${index} reviewed the spillway${index}.`);
  const prompt = buildWhisperPrompt({ phrases: many }, { maxCharacters: 200 });
  assert.ok(prompt && prompt.length <= 201);
  assert.equal(buildWhisperPrompt(undefined), undefined);
  assert.equal(buildWhisperPrompt({ phrases: [] }), undefined);
  assert.equal(buildWhisperPrompt({ phrases: ['What do you do? It is.'] }), undefined);
});
