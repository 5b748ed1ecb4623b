/**
 * Third parties' private details are never spoken: a persona's mail that repeats another
 * correspondent's phone number, home address, Aadhaar number and card number comes back
 * from retrieval masked — to the recall engine (the default), to a prompt sent to a model,
 * in `persona ask`'s answer and sources, and to profile building — while names and the persona's own number
 * (an identity, and the `PERSONA_OWN_DETAILS` setting) stay.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { openAdapterVault } from '../../src/llm/adapter-vault.js';
import { answerQuestion } from '../../src/llm/answer-question.js';
import type { LlmEngine } from '../../src/llm/llm-engine.js';
import { createOpenAiEngine } from '../../src/llm/openai/openai-engine.js';
import { createRecallEngine } from '../../src/llm/recall/recall-engine.js';
import { personaPassages } from '../../src/persona/profile/persona-sentences.js';
import { openRetrieval, type Retrieval } from '../../src/rag/open-retrieval.js';
import { startConversation } from '../../src/store/conversation-repository.js';
import { openStore, type Store } from '../../src/store/store.js';
import { startOpenAiTestServer, streamAnswer, type OpenAiTestServer } from '../llm/openai/openai-test-server.js';
import { makeEmail } from '../helpers/make-email.js';
import { makeTemporaryFolder } from '../helpers/temporary-folder-per-file.js';
import { testConfig } from '../helpers/test-config.js';
import { ingestAsSamplePersona } from '../helpers/sample-persona.js';
import { thirdPartyDetails, thirdPartySecrets } from '../helpers/third-party-letter.js';

const home = makeTemporaryFolder('persona-masked-retrieval-');
const config = testConfig(home, { PERSONA_OWN_DETAILS: '12 Beach Road, Chennai 600020; +91 44 2811 4400' });
const secrets = thirdPartySecrets;
let store: Store;
let retrieval: Retrieval;
let server: OpenAiTestServer;

before(async () => {
  const mail = path.join(home, 'mail');
  mkdirSync(mail, { recursive: true });
  writeFileSync(
    path.join(mail, 'anil.eml'),
    makeEmail({
      to: 'Tom Okafor <tom@kaveri-bridgeworks.example>',
      subject: 'Anil and the school pick-up',
      messageId: 'anil-1@kaveri-bridgeworks.example',
      body: [
        ...thirdPartyDetails,
        'If anything changes ring me on +91 44 2811 4400 or drop by 12 Beach Road, Chennai 600020.',
      ].join('\n'),
    }),
  );
  store = openStore(config);
  await ingestAsSamplePersona(store, [mail]);
  retrieval = await openRetrieval(config, store, 'meera');
  server = await startOpenAiTestServer();
});

after(async () => {
  await retrieval?.close();
  store?.close();
  await server?.close();
});

function assertMasked(text: string, where: string): void {
  for (const secret of secrets) assert.ok(!text.includes(secret), `${where} holds "${secret}": ${text}`);
}

test('third parties\' private details are never spoken: retrieval masks them, keeps names and the persona\'s own details', async () => {
  const { hits } = await retrieval.retriever.search('Anil school pick-up', { k: 3 });
  assert.ok(hits.length > 0);
  const text = hits.map((hit) => hit.text).join('\n');
  assertMasked(text, 'a search hit');
  for (const placeholder of ['[phone]', '[email]', '[address]', '[id number]', '[card]']) assert.ok(text.includes(placeholder), `no ${placeholder} in ${text}`);
  assert.ok(text.includes('Anil') && text.includes('Greenwood School') && text.includes('3:30'), 'names and times stay');
  assert.ok(text.includes('+91 44 2811 4400') && text.includes('12 Beach Road, Chennai 600020'), 'the persona\'s own details stay');
});

/** The one question both answer-path tests ask, through the real answer path. */
function askAboutAnil(engine: LlmEngine): ReturnType<typeof answerQuestion> {
  return answerQuestion({
    store,
    retriever: retrieval.retriever,
    engine,
    vault: openAdapterVault(path.join(home, 'vault')),
    persona: 'meera',
    conversationId: startConversation(store.database, 'meera', { via: 'test' }),
    question: 'What did Anil say about the school pick-up?',
  });
}

test('third parties\' private details are never spoken: the recall engine\'s answer and sources', async () => {
  const engine = createRecallEngine({ search: retrieval.retriever.search, minimumSimilarity: 0 });
  const answer = await askAboutAnil(engine);
  assert.ok(answer.answer.includes('Anil'), `the recall engine answered from the mail: ${answer.answer}`);
  assertMasked(answer.answer, 'the recall answer');
  assertMasked(JSON.stringify(answer.sources), 'the sources');
});

test('third parties\' private details are never spoken: the prompt a model receives', async () => {
  server.respondWith((_request, response) => streamAnswer(response, ['He moved.']));
  const engine = createOpenAiEngine({ baseUrl: server.baseUrl, model: 'test', adapterMode: 'none' });
  await askAboutAnil(engine);
  await engine.close();
  const prompt = JSON.stringify(server.requests.at(-1)!.body.messages);
  assert.ok(prompt.includes('Greenwood School'), 'the passage reached the prompt');
  assertMasked(prompt, 'the prompt');
});

test('third parties\' private details are never spoken: the passages profile building sends to an engine', () => {
  const passages = personaPassages(store.database, 'meera').map((passage) => passage.text).join('\n');
  assert.ok(passages.includes('Greenwood School'), 'the mail is there');
  assertMasked(passages, 'the profile passages');
});
