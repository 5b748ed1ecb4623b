/**
 * The profile on the sample persona: deterministic traits with verbatim evidence, versions,
 * edits checked field by field, the model path against a real OpenAI-compatible HTTP server
 * (quotes the model made up are dropped), and `answerQuestion` sending the stored system
 * prompt to the engine.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import { InputError, StoreError } from '../../../src/errors.js';
import { answerQuestion } from '../../../src/llm/answer-question.js';
import { openAdapterVault } from '../../../src/llm/adapter-vault.js';
import { createOpenAiEngine } from '../../../src/llm/openai/openai-engine.js';
import { buildProfile, saveEditedProfile } from '../../../src/persona/profile/build-profile.js';
import { parseProfile, parseProfileText, type PersonaProfile } from '../../../src/persona/profile/persona-profile.js';
import { personaPassages } from '../../../src/persona/profile/persona-sentences.js';
import { currentProfile, listProfileVersions, profileVersion } from '../../../src/persona/profile/profile-repository.js';
import { systemPromptFor } from '../../../src/persona/profile/system-prompt.js';
import { buildBm25Index } from '../../../src/rag/bm25-index.js';
import { loadChunkCatalog } from '../../../src/rag/chunk-catalog.js';
import { createHybridRetriever } from '../../../src/rag/hybrid-retriever.js';
import { startConversation } from '../../../src/store/conversation-repository.js';
import { openStore, type Store } from '../../../src/store/store.js';
import { startOpenAiTestServer, streamAnswer, type OpenAiTestServer } from '../../llm/openai/openai-test-server.js';
import { ingestSamplePersona } from '../../helpers/sample-persona.js';
import { makeTemporaryFolder } from '../../helpers/temporary-folder-per-file.js';
import { testConfig } from '../../helpers/test-config.js';

const home = makeTemporaryFolder('profile');
let store: Store;
let server: OpenAiTestServer;
let passages: string[];

before(async () => {
  store = openStore(testConfig(home));
  await ingestSamplePersona(store);
  passages = personaPassages(store.database, 'meera').map((passage) => passage.text);
  server = await startOpenAiTestServer();
});

beforeEach(() => {
  server.requests.length = 0;
});

after(async () => {
  store.close();
  await server.close();
});

const openAiEngine = () => createOpenAiEngine({ baseUrl: server.baseUrl, model: 'test-model' });

test('without a model the profile is deterministic: ranked traits, each with quotes of her own words', async () => {
  const built = await buildProfile(store.database, 'meera');
  assert.equal(built.stored.origin, 'fingerprint');
  assert.equal(built.fallbackReason, undefined);
  const { profile } = built.stored;
  assert.ok(profile.traits.length >= 3, `${profile.traits.length} traits`);
  for (const trait of profile.traits) {
    assert.ok(trait.evidence.length >= 1, `${trait.name} has no evidence`);
    assert.ok(trait.score > 0 && trait.score <= 1);
    for (const quote of trait.evidence) assert.ok(passages.some((passage) => passage.includes(quote)), `"${quote}" is not her own words`);
  }
  const scores = profile.traits.map((trait) => trait.score);
  assert.deepEqual(scores, [...scores].sort((left, right) => right - left));
  // The style is hers: her Tamil shows up, and the summary names her.
  assert.match(profile.communicationStyle.languages, /Tamil/);
  assert.match(profile.summary, /Meera Krishnan/);
  assert.deepEqual(parseProfile(JSON.parse(JSON.stringify(profile)), 'round trip'), profile);

  // The same corpus gives the same profile.
  const again = await buildProfile(store.database, 'meera');
  assert.deepEqual(again.stored.profile, profile);
  assert.equal(again.stored.version, built.stored.version + 1);
});

test('the system prompt says who she is, how she writes, her traits with evidence, and the rules', async () => {
  const stored = currentProfile(store.database, 'meera')!;
  const prompt = systemPromptFor(stored.profile, 'Meera Krishnan');
  assert.equal(stored.systemPrompt, prompt);
  assert.ok(prompt.includes(stored.profile.summary));
  assert.match(prompt, /How you write: /);
  for (const trait of stored.profile.traits.slice(0, 3)) assert.match(prompt, new RegExp(`^- ${trait.name}, as when you wrote: "`, 'm'));
  assert.match(prompt, /speak as Meera Krishnan in the first person/);
  assert.ok(prompt.split(/\n\n/).length >= 4);
});

test('every build and edit is a new version; the newest is in use; edits are checked field by field', async () => {
  const before = listProfileVersions(store.database, 'meera').length;
  const current = currentProfile(store.database, 'meera')!;
  const edited: PersonaProfile = { ...current.profile, summary: 'An engineer who thinks about the person crossing the bridge.' };
  const saved = saveEditedProfile(store.database, 'meera', edited);
  assert.equal(saved.version, current.version + 1);
  assert.equal(saved.origin, 'edited');
  assert.match(saved.systemPrompt, /An engineer who thinks about the person crossing the bridge\./);
  assert.equal(currentProfile(store.database, 'meera')!.version, saved.version);
  assert.equal(profileVersion(store.database, 'meera', 1).version, 1);
  assert.equal(listProfileVersions(store.database, 'meera').length, before + 1);
  assert.throws(() => profileVersion(store.database, 'meera', 99), (error: StoreError) => error.code === 'not-found' && /no profile version 99; versions: 1, 2/.test(error.message));

  const bad = { ...edited, traits: [{ ...edited.traits[0]!, score: 7 }] };
  assert.throws(() => parseProfile(bad, 'edited.json'), (error: InputError) => error instanceof InputError && /^edited\.json: not a valid profile: traits\[0\]\.score: /.test(error.message));
  const { communicationStyle: _dropped, ...noStyle } = edited;
  assert.throws(() => parseProfile(noStyle, 'edited.json'), /communicationStyle: /);
  assert.throws(() => parseProfileText('{"summary": ', 'edited.json'), /edited\.json: not valid JSON/);
});

test('with a generative engine the model writes the profile; quotes it made up are dropped', async () => {
  const real = 'Saying \'I don\'t know yet\'.';
  assert.ok(passages.some((passage) => passage.includes(real)));
  const written: PersonaProfile = {
    summary: 'A structural engineer in Chennai who designs for the person crossing.',
    traits: [
      { name: 'humble', score: 0.8, evidence: [real, 'I am always right about everything.'] },
      { name: 'invented', score: 0.9, evidence: ['A sentence she never wrote.'] },
    ],
    communicationStyle: {
      overview: 'Short, plain sentences.',
      sentences: 'short',
      vocabulary: 'plain, technical when needed',
      formality: 'conversational',
      punctuation: 'commas and colons',
      greetings: ['Hi'],
      signOffs: ['Meera'],
      languages: 'English with Tamil',
      habits: ['asks about the busiest day'],
    },
  };
  server.respondWith((_request, response) => streamAnswer(response, ['Here is the profile:\n```json\n', JSON.stringify(written), '\n```']));
  const engine = openAiEngine();
  const built = await buildProfile(store.database, 'meera', { engine });
  assert.equal(built.stored.origin, 'llm');
  assert.deepEqual(built.stored.profile.traits, [{ name: 'humble', score: 0.8, evidence: [real] }]);
  const [request] = server.requests;
  const messages = request!.body.messages as { role: string; content: string }[];
  assert.match(messages[0]!.content, /Reply with one JSON object/);
  assert.match(messages[1]!.content, /Interview \(values\) — Q: What do you value most/);

  server.respondWith((_request, response) => streamAnswer(response, ['{"summary": "cut off']));
  const fallback = await buildProfile(store.database, 'meera', { engine });
  assert.equal(fallback.stored.origin, 'fingerprint');
  assert.match(fallback.fallbackReason ?? '', /invalid JSON|no JSON/);

  server.respondWith((_request, response) => streamAnswer(response, [JSON.stringify({ ...written, traits: [{ name: 'x', score: 3, evidence: [] }] })]));
  const wrongShape = await buildProfile(store.database, 'meera', { engine });
  assert.equal(wrongShape.stored.origin, 'fingerprint');
  assert.match(wrongShape.fallbackReason ?? '', /traits\[0\]\.score/);
  await engine.close();
});

test('answerQuestion sends the stored profile\'s system prompt to the engine', async () => {
  const chunks = loadChunkCatalog(store.database, 'meera');
  const retriever = createHybridRetriever({ chunks, lexical: buildBm25Index(chunks) });
  server.respondWith((_request, response) => streamAnswer(response, ['Filter coffee.']));
  const engine = openAiEngine();
  const ask = (persona: string) =>
    answerQuestion({
      store,
      retriever,
      engine,
      vault: openAdapterVault(`${home}/vault`),
      persona,
      conversationId: startConversation(store.database, persona, { via: 'test' }),
      question: 'What do you drink in the morning?',
    });
  const answer = await ask('meera');
  assert.equal(answer.answer, 'Filter coffee.');
  const system = (server.requests[0]!.body.messages as { role: string; content: string }[])[0]!;
  assert.equal(system.role, 'system');
  assert.ok(system.content.includes(currentProfile(store.database, 'meera')!.systemPrompt), 'the system message holds the stored system prompt');

  // A persona with no profile gets buildPrompt's default line.
  store.database.prepare("INSERT INTO personas (id, identities, created_at) VALUES ('nobody', '[]', ?)").run(new Date().toISOString());
  await ask('nobody');
  const plain = (server.requests[1]!.body.messages as { content: string }[])[0]!.content;
  assert.match(plain, /the exemplars show how/);
  assert.doesNotMatch(plain, /Who you are:/);
  await engine.close();
});
