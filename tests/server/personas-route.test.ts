import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import Fastify, { type FastifyError, type FastifyInstance, type LightMyRequestResponse } from 'fastify';
import { PersonaError } from '../../src/errors.js';
import { errorBody, installAuth } from '../../src/server/auth/install-auth.js';
import { HttpError, statusOf } from '../../src/server/request-persona.js';
import { registerPersonaRoutes } from '../../src/server/routes/personas-route.js';
import { createApiKey } from '../../src/store/api-key-repository.js';
import { addTurn, endConversation, startConversation } from '../../src/store/conversation-repository.js';
import { savePersona } from '../../src/store/persona-repository.js';
import { openStore, type Store } from '../../src/store/store.js';
import { ingestSamplePersona } from '../helpers/sample-persona.js';
import { makeTemporaryFolder } from '../helpers/temporary-folder-per-file.js';
import { testConfig } from '../helpers/test-config.js';

interface Fixture {
  app: FastifyInstance;
  store: Store;
  key: string;
  /** Conversations by name, oldest first within each persona. */
  conversations: { meeraOld: string; meeraNew: string; tom: string };
}

let fixture: Fixture;

const longQuestion = `Could you walk me through ${'every detail of the drainage design, '.repeat(10)}please?`;

before(async () => {
  const home = makeTemporaryFolder('personas-route');
  const store = openStore(testConfig(home, { PERSONA_ENCRYPT: 'false' }));
  await ingestSamplePersona(store);
  savePersona(store.database, 'tom', ['Tom Okafor']);
  const database = store.database;

  const meeraOld = startConversation(database, 'meera');
  addTurn(database, meeraOld, { role: 'user', text: 'How do you keep a footbridge deck dry?' });
  addTurn(database, meeraOld, {
    role: 'persona',
    text: 'Crossfall first, then scuppers every few metres.',
    adapterId: 'meera-style-v1',
    sources: [{ id: 'S1', label: 'Footbridge drainage (email, 2025-03-04)', source: 'emails/drainage.eml', date: '2025-03-04' }],
  });
  endConversation(database, meeraOld);
  const meeraNew = startConversation(database, 'meera');
  addTurn(database, meeraNew, { role: 'user', text: longQuestion });
  const tom = startConversation(database, 'tom');
  addTurn(database, tom, { role: 'user', text: 'What did the site survey find?' });
  // Distinct start times, so "latest first" is a fact of the data and not of insertion order.
  const setStart = database.prepare('UPDATE conversations SET started_at = ? WHERE id = ?');
  setStart.run('2026-01-10T09:00:00.000Z', meeraOld);
  setStart.run('2026-02-20T18:30:00.000Z', meeraNew);
  setStart.run('2026-01-15T12:00:00.000Z', tom);

  const app = Fastify();
  installAuth(app, { store, home });
  // The app's own error handler (src/server/app.ts) answers this way; the routes rely on it.
  app.setErrorHandler((error: FastifyError | Error, _request, reply) => {
    if (error instanceof HttpError || error instanceof PersonaError) return reply.code(statusOf(error)).send(errorBody(error.code, error.message));
    return reply.code((error as FastifyError).statusCode ?? 500).send(errorBody('internal', error.message));
  });
  registerPersonaRoutes(app, { database, defaultPersona: 'meera' });
  await app.ready();
  fixture = { app, store, key: createApiKey(database, { name: 'test' }).key, conversations: { meeraOld, meeraNew, tom } };
});

after(async () => {
  await fixture.app.close();
  fixture.store.close();
});

/** `credential` null sends none. */
function get(url: string, credential: string | null = fixture.key): Promise<LightMyRequestResponse> {
  return fixture.app.inject({ url, headers: credential === null ? {} : { authorization: `Bearer ${credential}` } });
}

async function mintToken(body: { persona?: string } = {}): Promise<string> {
  const response = await fixture.app.inject({ method: 'POST', url: '/v1/tokens', headers: { authorization: `Bearer ${fixture.key}` }, payload: body });
  assert.equal(response.statusCode, 200, response.body);
  return (response.json() as { token: string }).token;
}

function errorOf(response: LightMyRequestResponse): { code: string; message: string } {
  return (response.json() as { error: { code: string; message: string } }).error;
}

test('GET /v1/personas lists every persona with its chunk and conversation counts', async () => {
  const response = await get('/v1/personas');
  assert.equal(response.statusCode, 200, response.body);
  const { personas } = response.json() as { personas: { id: string; displayName?: string; chunks: number; conversations: number }[] };
  const chunks = (fixture.store.database.prepare("SELECT COUNT(*) AS count FROM chunks WHERE persona_id = 'meera'").get() as { count: number }).count;
  assert.ok(chunks > 0, 'the sample persona was ingested');
  assert.deepEqual(personas, [
    { id: 'meera', displayName: 'Meera Krishnan', chunks, conversations: 2 },
    { id: 'tom', displayName: 'Tom Okafor', chunks: 0, conversations: 1 },
  ]);
  assert.equal((await get('/v1/personas', null)).statusCode, 401);
});

test('a session token scoped to a persona sees only that persona; an unscoped one sees all', async () => {
  const scoped = await mintToken({ persona: 'meera' });
  const scopedList = (await get('/v1/personas', scoped)).json() as { personas: { id: string }[] };
  assert.deepEqual(scopedList.personas.map((persona) => persona.id), ['meera']);
  const unscoped = await mintToken();
  const fullList = (await get('/v1/personas', unscoped)).json() as { personas: { id: string }[] };
  assert.deepEqual(fullList.personas.map((persona) => persona.id), ['meera', 'tom']);
});

test('GET /v1/conversations lists a persona\'s conversations latest first, with the first question', async () => {
  const { meeraOld, meeraNew } = fixture.conversations;
  const response = await get('/v1/conversations?persona=meera');
  assert.equal(response.statusCode, 200, response.body);
  const { conversations } = response.json() as { conversations: { id: string; startedAt: string; endedAt?: string; turns: number; firstQuestion?: string }[] };
  assert.deepEqual(
    conversations.map(({ id, startedAt, turns }) => ({ id, startedAt, turns })),
    [
      { id: meeraNew, startedAt: '2026-02-20T18:30:00.000Z', turns: 1 },
      { id: meeraOld, startedAt: '2026-01-10T09:00:00.000Z', turns: 2 },
    ],
  );
  assert.equal(conversations[1]?.firstQuestion, 'How do you keep a footbridge deck dry?');
  assert.ok(conversations[1]?.endedAt, 'an ended conversation says when');
  assert.equal(conversations[0]?.endedAt, undefined);
  const shortened = conversations[0]?.firstQuestion ?? '';
  assert.ok(shortened.length <= 200 && shortened.endsWith('…') && longQuestion.startsWith(shortened.slice(0, -1)), shortened);

  const limited = (await get('/v1/conversations?persona=meera&limit=1')).json() as { conversations: { id: string }[] };
  assert.deepEqual(limited.conversations.map((conversation) => conversation.id), [meeraNew]);
  // Without ?persona= the configured default persona is listed.
  const byDefault = (await get('/v1/conversations')).json() as { conversations: { id: string }[] };
  assert.deepEqual(byDefault.conversations.map((conversation) => conversation.id), [meeraNew, meeraOld]);
});

test('conversation listing: a scoped token lists its own persona, and is refused another', async () => {
  const scoped = await mintToken({ persona: 'meera' });
  const own = await get('/v1/conversations', scoped);
  assert.equal(own.statusCode, 200, own.body);
  assert.equal((own.json() as { conversations: unknown[] }).conversations.length, 2);
  // Browsers pass the token in the query; it must not trip the query's validation.
  const inQuery = await get(`/v1/conversations?persona=meera&limit=5&token=${scoped}`, null);
  assert.equal(inQuery.statusCode, 200, inQuery.body);

  const other = await get('/v1/conversations?persona=tom', scoped);
  assert.equal(other.statusCode, 403);
  assert.match(errorOf(other).message, /credentials are for persona "meera", not "tom"/);
});

test('conversation listing: bad queries get 400 naming the field, an unknown persona 404', async () => {
  for (const [query, problem] of [
    ['limit=0', /limit: at least 1/],
    ['limit=101', /limit: at most 100/],
    ['limit=2.5', /limit: a whole number/],
    ['limit=many', /limit:/],
    ['persona=../etc', /persona: a persona id/],
  ] as const) {
    const response = await get(`/v1/conversations?${query}`);
    assert.equal(response.statusCode, 400, query);
    assert.equal(errorOf(response).code, 'invalid-request');
    assert.match(errorOf(response).message, /^Invalid conversation listing query: /);
    assert.match(errorOf(response).message, problem, query);
  }
  const unknown = await get('/v1/conversations?persona=nobody');
  assert.equal(unknown.statusCode, 404);
  assert.match(errorOf(unknown).message, /persona "nobody" does not exist/);
});

test('GET /v1/conversations/:id gives the turns with their sources and adapter', async () => {
  const { meeraOld } = fixture.conversations;
  const response = await get(`/v1/conversations/${meeraOld}`);
  assert.equal(response.statusCode, 200, response.body);
  const body = response.json() as { id: string; persona: string; turns: { role: string; text: string; createdAt: string; sources: unknown[]; adapterId?: string }[] };
  assert.equal(body.id, meeraOld);
  assert.equal(body.persona, 'meera');
  assert.deepEqual(
    body.turns.map(({ role, text, sources, adapterId }) => ({ role, text, sources, adapterId })),
    [
      { role: 'user', text: 'How do you keep a footbridge deck dry?', sources: [], adapterId: undefined },
      {
        role: 'persona',
        text: 'Crossfall first, then scuppers every few metres.',
        sources: [{ id: 'S1', label: 'Footbridge drainage (email, 2025-03-04)', source: 'emails/drainage.eml', date: '2025-03-04' }],
        adapterId: 'meera-style-v1',
      },
    ],
  );
  for (const turn of body.turns) assert.ok(!Number.isNaN(Date.parse(turn.createdAt)), turn.createdAt);
});

test('GET /v1/conversations/:id is 404 for an unknown id and for another persona\'s conversation', async () => {
  const unknown = await get('/v1/conversations/00000000-0000-4000-8000-000000000000');
  assert.equal(unknown.statusCode, 404);
  assert.equal(errorOf(unknown).code, 'not-found');
  assert.match(errorOf(unknown).message, /no conversation "00000000-0000-4000-8000-000000000000"/);

  const scoped = await mintToken({ persona: 'meera' });
  const hidden = await get(`/v1/conversations/${fixture.conversations.tom}`, scoped);
  assert.equal(hidden.statusCode, 404, 'not 403: a scoped token learns nothing about other personas');
  assert.equal((await get(`/v1/conversations/${fixture.conversations.meeraNew}`, scoped)).statusCode, 200);
  assert.equal((await get(`/v1/conversations/${fixture.conversations.tom}`)).statusCode, 200, 'an API key sees every persona');
  assert.equal((await get(`/v1/conversations/${fixture.conversations.tom}`, null)).statusCode, 401);
});
