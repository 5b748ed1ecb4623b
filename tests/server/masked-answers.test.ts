/**
 * Third parties' private details are never spoken, end to end on a real server: a widget
 * token for the persona asks about a message from another correspondent, and neither the
 * spoken answer's text nor its sources carry that person's phone number, e-mail or home
 * address, Aadhaar or card number (the recall engine, the embedded default, answers).
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { openStore, type Store } from '../../src/store/store.js';
import { makeEmail } from '../helpers/make-email.js';
import { makeTemporaryFolder } from '../helpers/temporary-folder-per-file.js';
import { testConfig } from '../helpers/test-config.js';
import { startTalkServer, type TalkServer } from './talk-server.js';
import { ingestAsSamplePersona } from '../helpers/sample-persona.js';
import { thirdPartyDetails, thirdPartySecrets } from '../helpers/third-party-letter.js';

const home = makeTemporaryFolder('masked-answers');
const secrets = thirdPartySecrets;
let store: Store;
let server: TalkServer;

before(async () => {
  const mail = path.join(home, 'mail');
  mkdirSync(mail, { recursive: true });
  writeFileSync(
    path.join(mail, 'anil.eml'),
    makeEmail({
      subject: 'Anil and the school pick-up',
      messageId: 'anil-2@kaveri-bridgeworks.example',
      body: [
        ...thirdPartyDetails,
      ].join('\n'),
    }),
  );
  store = openStore(testConfig(home, { PERSONA_VOICES: path.join(home, 'voices') }));
  await ingestAsSamplePersona(store, [mail]);
  server = await startTalkServer(home, { store, environment: { PERSONA_LLM_ENGINE: 'recall' } });
});

after(async () => {
  await server?.close();
  store?.close();
});

test('third parties\' private details are never spoken to a widget token', { timeout: 120_000 }, async () => {
  const minted = await fetch(`${server.httpUrl}/v1/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${server.key}` },
    body: JSON.stringify({ persona: 'meera' }),
  });
  assert.equal(minted.status, 200, await minted.clone().text());
  const token = ((await minted.json()) as { token: string }).token;
  const response = await fetch(`${server.httpUrl}/v1/interact`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ text: 'What did Anil say about the school pick-up?', persona: 'meera' }),
  });
  const body = await response.text();
  assert.equal(response.status, 200, body);
  assert.match(body, /Anil/, 'the answer comes from his mail');
  for (const secret of secrets) assert.ok(!body.includes(secret), `the answer holds "${secret}": ${body}`);
});
