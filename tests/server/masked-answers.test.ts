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
import { ingest } from '../../src/ingest/ingest-run.js';
import { openStore, type Store } from '../../src/store/store.js';
import { makeEmail } from '../helpers/make-email.js';
import { makeTemporaryFolder } from '../helpers/temporary-folder-per-file.js';
import { testConfig } from '../helpers/test-config.js';
import { startTalkServer, type TalkServer } from './talk-server.js';

const home = makeTemporaryFolder('masked-answers');
const secrets = ['98400 12345', 'anil.kumar@example.org', 'Gandhi Nagar', '2345 6789 0120', '4111 1111 1111 1111', 'Lake View Road'];
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
        'Tom, Anil asked me to pass this on about the school pick-up for his daughter.',
        'Anil is on +91 98400 12345 or anil.kumar@example.org, and they have moved to 14 Gandhi Nagar, Chennai 600017.',
        'The school pick-up is from Greenwood School, 45 Lake View Road, at 3:30 on weekdays.',
        'For the school form he gave his Aadhaar, 2345 6789 0120, and paid the fees with card 4111 1111 1111 1111.',
      ].join('\n'),
    }),
  );
  store = openStore(testConfig(home, { PERSONA_VOICES: path.join(home, 'voices') }));
  await ingest({
    store,
    persona: 'meera',
    authors: ['meera@kaveri-bridgeworks.example', 'Meera Krishnan'],
    inputs: [mail],
    chunking: { targetTokens: 500, overlapTokens: 60 },
    limits: { maxFileBytes: 50 * 1024 ** 2, maxUnzippedBytes: 50 * 1024 ** 2 },
    stallTimeoutMs: 60_000,
  });
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
