import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { buildDataset, type ChatExample } from '../../../src/persona/dataset/build-dataset.js';
import { replaceModes } from '../../../src/persona/modes/mode-repository.js';
import { addTurn, startConversation } from '../../../src/store/conversation-repository.js';
import type { Store } from '../../../src/store/store.js';
import { makeTemporaryFolder } from '../../helpers/temporary-folder-per-file.js';
import { datasetStore, generatedThreads, personaPhone, thirdPartyAddress, thirdPartyPhone } from './dataset-corpus.js';

const home = makeTemporaryFolder('build-dataset');
let store: Store;

before(async () => {
  store = await datasetStore(home);
});

after(() => store.close());

function all(dataset: { train: ChatExample[]; validation: ChatExample[] }): ChatExample[] {
  return [...dataset.train, ...dataset.validation];
}

/** Everything the persona wrote: bodies of her items, her interview answers. */
function personaTexts(): Set<string> {
  const bodies = store.database
    .prepare(
      `SELECT group_concat(text, char(10) || char(10)) FROM (SELECT item_id, text FROM passages WHERE role = 'body' AND is_persona = 1 ORDER BY item_id, position) GROUP BY item_id`,
    )
    .pluck()
    .all() as string[];
  const answers = store.database.prepare('SELECT answer FROM interviews').pluck().all() as string[];
  return new Set([...bodies, ...answers].map((text) => text.trim()));
}

test('the export holds interview, e-mail reply and chat examples, the persona always the assistant', () => {
  const examples = all(buildDataset(store.database, 'meera', { validationShare: 0.2 }));
  const origins = new Set(examples.map((example) => example.origin));
  assert.deepEqual([...origins].sort(), ['chat', 'email-reply', 'interview']);
  const mine = personaTexts();
  const others = new Set((store.database.prepare('SELECT text FROM passages WHERE is_persona = 0').pluck().all() as string[]).map((text) => text.trim()));
  for (const example of examples) {
    assert.deepEqual(
      example.messages.map((message) => message.role),
      ['system', 'user', 'assistant'],
    );
    assert.ok(mine.has(example.messages[2].content), `assistant text is not the persona's: ${example.messages[2].content.slice(0, 80)}`);
    assert.ok(!others.has(example.messages[2].content));
    assert.ok(example.messages[1].content.length > 0);
  }
  const replyToTom = examples.find((example) => example.messages[2].content.startsWith('Thanks, this is exactly what I needed'));
  assert.ok(replyToTom, 'the reply to Tom is an example');
  assert.match(replyToTom.messages[1].content, /summary logs for BH-1 to BH-3/);
  // Every generated thread but one (its twin is a duplicate) gives one e-mail example.
  const generated = examples.filter((example) => example.thread.endsWith('@site-crew.example'));
  assert.equal(generated.length, generatedThreads - 1);
});

test('no thread is in both halves, and the split is the same for the same seed', () => {
  for (const seed of [1, 2, 3, 42]) {
    const dataset = buildDataset(store.database, 'meera', { validationShare: 0.3, seed });
    const trainThreads = new Set(dataset.train.map((example) => example.thread));
    const validationThreads = new Set(dataset.validation.map((example) => example.thread));
    assert.ok(dataset.validation.length > 0 && dataset.train.length > dataset.validation.length);
    for (const thread of validationThreads) assert.ok(!trainThreads.has(thread), `thread ${thread} is in both halves (seed ${seed})`);
    assert.deepEqual(buildDataset(store.database, 'meera', { validationShare: 0.3, seed }), dataset);
  }
  // The sample's chat conversation has two turns with context: one thread, one half.
  const vibration = all(buildDataset(store.database, 'meera', { validationShare: 0.5, seed: 7 })).filter((example) => example.thread === 'chatgpt:c0a80101-7a11-4c3e-9f00-000000000001');
  assert.equal(vibration.length, 2);
  assert.equal(buildDataset(store.database, 'meera', { validationShare: 0 }).validation.length, 0);
});

test('an exchange repeated with other case and punctuation is one example', () => {
  const examples = all(buildDataset(store.database, 'meera', {}));
  const saturday = examples.filter((example) => /site open on saturday/i.test(example.messages[1].content));
  assert.equal(saturday.length, 1);
  assert.equal(new Set(examples.map((example) => `${example.messages[1].content}\n${example.messages[2].content}`)).size, examples.length);
});

test("masking replaces a third party's phone number and address but keeps the persona's", () => {
  const plain = all(buildDataset(store.database, 'meera', {})).find((example) => example.messages[1].content.includes('crane operator'));
  assert.ok(plain);
  assert.ok(plain.messages[1].content.includes(thirdPartyPhone));
  const masked = all(buildDataset(store.database, 'meera', { maskThirdParties: true })).find((example) => example.messages[1].content.includes('crane operator'));
  assert.ok(masked);
  const [, user, assistant] = masked.messages;
  assert.ok(!user.content.includes(thirdPartyPhone) && !user.content.includes(thirdPartyAddress), user.content);
  assert.match(user.content, /My mobile is \[phone\], or mail me at \[email\]/);
  assert.equal(assistant.content, `I'll call you on [phone] tomorrow morning. If I miss you, ring me on ${personaPhone}; I'm on site till noon.`);
});

test('--with-feedback adds a corrected answer after the question that prompted it', () => {
  const conversation = startConversation(store.database, 'meera');
  addTurn(store.database, conversation, { role: 'user', text: 'What crossfall do you give a footbridge deck?' });
  const turn = addTurn(store.database, conversation, { role: 'persona', text: 'About 1%.' });
  store.database
    .prepare('INSERT INTO feedback (turn_id, rating, corrected_answer, created_at) VALUES (?, ?, ?, ?)')
    .run(turn, -1, '2.5%, towards the downstream edge, so the water leaves before it can pond.', new Date().toISOString());
  const corrected = (example: ChatExample): boolean => example.origin === 'feedback';
  assert.equal(all(buildDataset(store.database, 'meera', {})).filter(corrected).length, 0);
  const withFeedback = all(buildDataset(store.database, 'meera', { withFeedback: true })).filter(corrected);
  assert.equal(withFeedback.length, 1);
  assert.equal(withFeedback[0]!.messages[1].content, 'What crossfall do you give a footbridge deck?');
  assert.equal(withFeedback[0]!.messages[2].content, '2.5%, towards the downstream edge, so the water leaves before it can pond.');
  assert.equal(withFeedback[0]!.thread, `conversation:${conversation}`);
});

test('a mode keeps the examples in that mode and uses its system prompt', () => {
  replaceModes(store.database, 'meera', [
    { mode: 'site-works', label: 'site, photos', terms: ['photos', 'thursday', 'site', 'crane'], systemPrompt: 'You are Meera on site: short and direct.', size: 10 },
    { mode: 'family', label: 'amma, appa', terms: ['amma', 'appa', 'coffee', 'cycle'], systemPrompt: 'You are Meera with family: warm.', size: 5 },
  ]);
  const siteWorks = all(buildDataset(store.database, 'meera', { mode: 'site-works' }));
  assert.ok(siteWorks.length >= generatedThreads - 2);
  for (const example of siteWorks) assert.equal(example.messages[0].content, 'You are Meera on site: short and direct.');
  assert.ok(siteWorks.some((example) => example.messages[2].content.includes('Send me two photos')));
  const family = all(buildDataset(store.database, 'meera', { mode: 'family' }));
  assert.ok(family.length > 0);
  assert.ok(family.every((example) => !siteWorks.includes(example) && !example.messages[2].content.includes('Send me two photos')));
  assert.throws(() => buildDataset(store.database, 'meera', { mode: 'poetry' }), { code: 'not-found', message: /no mode "poetry" \(known: site-works, family\)/ });
  store.database.prepare('DELETE FROM persona_modes').run();
});

test('bad options and unknown personas are errors that name them', () => {
  assert.throws(() => buildDataset(store.database, 'nobody', {}), { code: 'not-found', message: /persona "nobody"/ });
  assert.throws(() => buildDataset(store.database, 'meera', { validationShare: 1 }), { code: 'input-unsupported', message: /validation share .* not 1/ });
  assert.throws(() => buildDataset(store.database, 'meera', { seed: 1.5 }), { message: /seed must be a whole number, not 1.5/ });
});
