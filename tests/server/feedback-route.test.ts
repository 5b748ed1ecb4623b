import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import Fastify, { type FastifyError, type FastifyInstance, type LightMyRequestResponse } from 'fastify';
import { PersonaError } from '../../src/errors.js';
import { errorBody, installAuth } from '../../src/server/auth/install-auth.js';
import { HttpError, statusOf } from '../../src/server/request-persona.js';
import { registerFeedbackRoute } from '../../src/server/routes/feedback-route.js';
import { createApiKey } from '../../src/store/api-key-repository.js';
import { addTurn, startConversation } from '../../src/store/conversation-repository.js';
import { savePersona } from '../../src/store/persona-repository.js';
import { openStore, type Store } from '../../src/store/store.js';
import { makeTemporaryFolder } from '../helpers/temporary-folder-per-file.js';
import { testConfig } from '../helpers/test-config.js';

let app: FastifyInstance;
let store: Store;
let key: string;
const turns = { meeraQuestion: 0, meeraAnswer: 0, tomAnswer: 0 };

before(async () => {
  const home = makeTemporaryFolder('feedback-route');
  store = openStore(testConfig(home, { PERSONA_ENCRYPT: 'false' }));
  const database = store.database;
  savePersona(database, 'meera', ['Meera Krishnan']);
  savePersona(database, 'tom', ['Tom Okafor']);
  const meera = startConversation(database, 'meera');
  turns.meeraQuestion = addTurn(database, meera, { role: 'user', text: 'What crossfall do you give a deck?' });
  turns.meeraAnswer = addTurn(database, meera, { role: 'persona', text: 'About 1%.' });
  const tom = startConversation(database, 'tom');
  addTurn(database, tom, { role: 'user', text: 'What did the boreholes show?' });
  turns.tomAnswer = addTurn(database, tom, { role: 'persona', text: 'Stiff clay below 6 m.' });
  app = Fastify();
  installAuth(app, { store, home });
  // As src/server/app.ts answers errors.
  app.setErrorHandler((error: FastifyError | Error, _request, reply) => {
    if (error instanceof HttpError || error instanceof PersonaError) return reply.code(statusOf(error)).send(errorBody(error.code, error.message));
    return reply.code((error as FastifyError).statusCode ?? 500).send(errorBody('internal', error.message));
  });
  registerFeedbackRoute(app, { database });
  await app.ready();
  key = createApiKey(database, { name: 'test' }).key;
});

after(async () => {
  await app.close();
  store.close();
});

function post(payload: unknown, credential: string | null = key): Promise<LightMyRequestResponse> {
  return app.inject({ method: 'POST', url: '/v1/feedback', headers: credential === null ? {} : { authorization: `Bearer ${credential}` }, payload: payload as object });
}

function errorOf(response: LightMyRequestResponse): { code: string; message: string } {
  return (response.json() as { error: { code: string; message: string } }).error;
}

test('feedback with a corrected answer is stored verbatim and answered 201 with its id', async () => {
  const corrected = '2.5%, towards the downstream edge — so the water leaves before it can pond.';
  const response = await post({ turn_id: turns.meeraAnswer, rating: -1, corrected_answer: corrected, comment: 'too vague' });
  assert.equal(response.statusCode, 201, response.body);
  const { id } = response.json() as { id: number };
  const row = store.database.prepare('SELECT turn_id, rating, comment, corrected_answer FROM feedback WHERE id = ?').get(id);
  assert.deepEqual(row, { turn_id: turns.meeraAnswer, rating: -1, comment: 'too vague', corrected_answer: corrected });
  const stars = await post({ turn_id: turns.meeraAnswer, rating: 5 });
  assert.equal(stars.statusCode, 201);
  assert.notEqual((stars.json() as { id: number }).id, id);
});

test('an unknown turn is 404 and a user turn is 400, each naming turn_id', async () => {
  const missing = await post({ turn_id: 999_999, rating: 1 });
  assert.equal(missing.statusCode, 404);
  assert.match(errorOf(missing).message, /turn_id: no turn 999999/);
  const question = await post({ turn_id: turns.meeraQuestion, rating: 1 });
  assert.equal(question.statusCode, 400);
  assert.match(errorOf(question).message, /turn_id: .* the user's/);
});

test("a token scoped to one persona cannot rate another persona's turn, nor learn whose it is", async () => {
  const minted = await app.inject({ method: 'POST', url: '/v1/tokens', headers: { authorization: `Bearer ${key}` }, payload: { persona: 'meera' } });
  assert.equal(minted.statusCode, 200, minted.body);
  const token = (minted.json() as { token: string }).token;
  const forbidden = await post({ turn_id: turns.tomAnswer, rating: 1 }, token);
  // Answered as if the turn did not exist: the same status and message as an unknown id, no persona named.
  assert.equal(forbidden.statusCode, 404);
  assert.equal(errorOf(forbidden).message, `turn_id: no turn ${turns.tomAnswer} in this store`);
  assert.doesNotMatch(forbidden.body, /tom/i);
  assert.equal((await post({ turn_id: turns.meeraAnswer, rating: 0 }, token)).statusCode, 201);
  assert.equal((await post({ turn_id: turns.meeraAnswer, rating: 1 }, null)).statusCode, 401);
});

test('validation errors name the field', async () => {
  const cases: [unknown, RegExp][] = [
    [{ rating: 1 }, /turn_id: a turn id/],
    [{ turn_id: 'abc', rating: 1 }, /turn_id: a turn id/],
    [{ turn_id: turns.meeraAnswer, rating: 7 }, /rating: -1, 0 or 1, or 1 to 5 stars/],
    [{ turn_id: turns.meeraAnswer, rating: 0.5 }, /rating: a whole number/],
    [{ turn_id: turns.meeraAnswer }, /rating: a number/],
    [{ turn_id: turns.meeraAnswer, rating: 1, corrected_answer: '   ' }, /corrected_answer: not empty/],
    [{ turn_id: turns.meeraAnswer, rating: 1, corrected_answer: 'x'.repeat(20_001) }, /corrected_answer: at most 20000 characters/],
    [{ turn_id: turns.meeraAnswer, rating: 1, mood: 'happy' }, /mood/],
  ];
  for (const [payload, message] of cases) {
    const response = await post(payload);
    assert.equal(response.statusCode, 400, `${JSON.stringify(payload).slice(0, 80)}: ${response.body}`);
    assert.match(errorOf(response).message, message);
  }
  const before = store.database.prepare('SELECT count(*) FROM feedback').pluck().get();
  assert.equal(before, 3);
});
