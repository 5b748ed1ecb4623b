import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { test, type TestContext } from 'node:test';
import Fastify, { type FastifyInstance, type LightMyRequestResponse } from 'fastify';
import { installAuth } from '../../../src/server/auth/install-auth.js';
import { tokenSecretFile } from '../../../src/server/auth/token-secret.js';
import { installMetrics } from '../../../src/server/metrics/install-metrics.js';
import { createApiKey, revokeApiKey } from '../../../src/store/api-key-repository.js';
import { savePersona } from '../../../src/store/persona-repository.js';
import { openStore, type Store } from '../../../src/store/store.js';
import { temporaryFolder } from '../../helpers/temporary-folder.js';
import { testConfig } from '../../helpers/test-config.js';

interface TestServer {
  app: FastifyInstance;
  store: Store;
  home: string;
  clock: { now: number };
}

async function startServer(context: TestContext, home = temporaryFolder(context)): Promise<TestServer> {
  const store = openStore(testConfig(home, { PERSONA_ENCRYPT: 'false' }));
  const clock = { now: Date.parse('2030-06-01T12:00:00Z') };
  const app = Fastify();
  installAuth(app, { store, home, now: () => clock.now });
  installMetrics(app);
  app.get('/healthz', async () => ({ ok: true }));
  app.get('/widget.js', async () => 'customElements.define()');
  app.get('/v1/whoami', async (request) => ({ auth: request.auth }));
  // Registered after installAuth, in a plugin of its own, as the server's routes are.
  await app.register(async (plugin) => {
    plugin.get('/v1/personas/:id', async (request) => ({ id: (request.params as { id: string }).id, auth: request.auth }));
  });
  await app.ready();
  context.after(async () => {
    await app.close();
    store.close();
  });
  return { app, store, home, clock };
}

function errorOf(response: LightMyRequestResponse): { code: string; message: string } {
  return (response.json() as { error: { code: string; message: string } }).error;
}

async function mintToken(app: FastifyInstance, key: string, body: unknown = {}): Promise<LightMyRequestResponse> {
  return app.inject({ method: 'POST', url: '/v1/tokens', headers: { authorization: `Bearer ${key}` }, payload: body as object });
}

test('without credentials /v1/* and /metrics answer 401; /healthz and static files stay public', async (context) => {
  const { app } = await startServer(context);
  for (const url of ['/v1/whoami', '/v1/personas/meera', '/v1/no-such-route', '/metrics', '/v1/whoami?other=1', '/%761/whoami', '/v1/whoami/']) {
    const response = await app.inject({ url });
    assert.equal(response.statusCode, 401, url);
    assert.deepEqual(Object.keys(response.json() as object), ['error']);
    assert.equal(errorOf(response).code, 'unauthorized');
    assert.match(errorOf(response).message, /No credentials: send "Authorization: Bearer/);
    assert.match(String(response.headers['www-authenticate']), /^Bearer/);
  }
  assert.equal((await app.inject({ method: 'POST', url: '/v1/tokens', payload: {} })).statusCode, 401);
  assert.equal((await app.inject({ url: '/healthz' })).statusCode, 200);
  assert.equal((await app.inject({ url: '/widget.js' })).statusCode, 200);
  assert.equal((await app.inject({ url: '/not-here' })).statusCode, 404);
  // A CORS preflight never carries credentials; a plain OPTIONS request still needs them.
  const preflight = await app.inject({ method: 'OPTIONS', url: '/v1/tokens', headers: { origin: 'https://app.example', 'access-control-request-method': 'POST' } });
  assert.notEqual(preflight.statusCode, 401);
  assert.equal((await app.inject({ method: 'OPTIONS', url: '/v1/tokens' })).statusCode, 401);
});

test('an API key works as a Bearer token, an x-api-key header, or ?key=; a revoked one gets 401', async (context) => {
  const { app, store } = await startServer(context);
  const { key, id } = createApiKey(store.database, { name: 'backend' });
  const ways = [
    { url: '/v1/whoami', headers: { authorization: `Bearer ${key}` } },
    { url: '/v1/whoami', headers: { authorization: `bearer  ${key}` } },
    { url: '/v1/whoami', headers: { 'x-api-key': key } },
    { url: `/v1/whoami?key=${key}` },
    { url: `/v1/whoami?token=${key}` },
  ];
  for (const request of ways) {
    const response = await app.inject(request);
    assert.equal(response.statusCode, 200, JSON.stringify(request));
    assert.deepEqual(response.json(), { auth: { keyId: id, kind: 'api-key' } });
  }
  const metrics = await app.inject({ url: '/metrics', headers: { 'x-api-key': key } });
  assert.equal(metrics.statusCode, 200);
  assert.equal((await app.inject({ url: '/v1/no-such-route', headers: { 'x-api-key': key } })).statusCode, 404);

  revokeApiKey(store.database, id);
  for (const request of ways) {
    const response = await app.inject(request);
    assert.equal(response.statusCode, 401);
    assert.match(errorOf(response).message, /The API key in the .* has been revoked/);
    assert.ok(!response.body.includes(key.slice(3)), 'the refusal never echoes the key');
  }
});

test('wrong or malformed credentials are refused with a reason that never echoes them', async (context) => {
  const { app, store } = await startServer(context);
  const { key } = createApiKey(store.database);
  const unknownKey = `pk_${'A'.repeat(43)}`;
  const cases: [Record<string, string>, RegExp][] = [
    [{ authorization: `Basic ${Buffer.from(`user:${key}`).toString('base64')}` }, /Authorization header must be "Bearer <API key or session token>"/],
    [{ authorization: 'Bearer' }, /Authorization header must be "Bearer/],
    [{ authorization: `Bearer ${unknownKey}` }, /API key in the Authorization header is not a key of this server/],
    [{ 'x-api-key': `${key}0` }, /API key in the x-api-key header is malformed/],
    [{ 'x-api-key': 'hunter2-secret' }, /credential in the x-api-key header is neither an API key \(pk_…\) nor a session token \(pst_…\)/],
  ];
  for (const [headers, expected] of cases) {
    const response = await app.inject({ url: '/v1/whoami', headers });
    assert.equal(response.statusCode, 401);
    assert.match(errorOf(response).message, expected);
    for (const secret of [key.slice(3), unknownKey.slice(3), 'hunter2']) assert.ok(!response.body.includes(secret), 'the secret is not echoed');
  }
  const twice = await app.inject({ url: `/v1/whoami?token=${key}&token=${key}` });
  assert.equal(twice.statusCode, 401);
  assert.match(errorOf(twice).message, /token query parameter is given more than once/);
});

test('a session token works until it expires, and carries its persona scope', async (context) => {
  const { app, store, clock } = await startServer(context);
  savePersona(store.database, 'meera', []);
  const { key, id } = createApiKey(store.database);

  const minted = await mintToken(app, key, { persona: 'meera', ttlSeconds: 60 });
  assert.equal(minted.statusCode, 200, minted.body);
  const { token, expiresAt } = minted.json() as { token: string; expiresAt: string };
  assert.match(token, /^pst_[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
  assert.equal(expiresAt, '2030-06-01T12:01:00.000Z');

  for (const request of [{ url: '/v1/personas/meera', headers: { authorization: `Bearer ${token}` } }, { url: `/v1/personas/meera?token=${token}` }]) {
    const response = await app.inject(request);
    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.json(), { id: 'meera', auth: { keyId: id, kind: 'session-token', persona: 'meera' } });
  }
  clock.now += 59_999;
  assert.equal((await app.inject({ url: `/v1/whoami?token=${token}` })).statusCode, 200);
  clock.now += 1;
  const expired = await app.inject({ url: `/v1/whoami?token=${token}` });
  assert.equal(expired.statusCode, 401);
  assert.match(errorOf(expired).message, /session token in the token query parameter expired at 2030-06-01T12:01:00.000Z/);
});

test('the default lifetime is 15 minutes; an unscoped token has no persona', async (context) => {
  const { app, store } = await startServer(context);
  const { key } = createApiKey(store.database);
  const response = await app.inject({ method: 'POST', url: '/v1/tokens', headers: { 'x-api-key': key } });
  assert.equal(response.statusCode, 200, response.body);
  const { token, expiresAt } = response.json() as { token: string; expiresAt: string };
  assert.equal(expiresAt, '2030-06-01T12:15:00.000Z');
  const whoami = await app.inject({ url: '/v1/whoami', headers: { authorization: `Bearer ${token}` } });
  assert.equal((whoami.json() as { auth: { persona?: string } }).auth.persona, undefined);
});

test('a tampered token, or one signed by another server, is refused', async (context) => {
  const { app, store } = await startServer(context);
  const { key, id } = createApiKey(store.database);
  const other = createApiKey(store.database);
  const { token } = (await mintToken(app, key)).json() as { token: string };
  const [payload, signature] = token.split('.') as [string, string];

  // The same claims with another key id: a client trying to borrow someone else's key.
  const claims = JSON.parse(Buffer.from(payload.slice(4), 'base64url').toString()) as { keyId: string };
  assert.equal(claims.keyId, id);
  const forged = `pst_${Buffer.from(JSON.stringify({ ...claims, keyId: other.id })).toString('base64url')}.${signature}`;
  const flipped = `${token.slice(0, -2)}${token.at(-2) === 'A' ? 'B' : 'A'}${token.at(-1)}`;
  for (const bad of [forged, flipped, `${payload}.`]) {
    const response = await app.inject({ url: '/v1/whoami', headers: { authorization: `Bearer ${bad}` } });
    assert.equal(response.statusCode, 401, bad);
    assert.match(errorOf(response).message, /session token in the Authorization header has an invalid signature/);
  }
  const unsigned = await app.inject({ url: '/v1/whoami', headers: { authorization: `Bearer ${payload}` } });
  assert.equal(unsigned.statusCode, 401);
  assert.match(errorOf(unsigned).message, /session token in the Authorization header is malformed/);

  const elsewhere = await startServer(context);
  const foreign = await elsewhere.app.inject({ url: '/v1/whoami', headers: { authorization: `Bearer ${token}` } });
  assert.equal(foreign.statusCode, 401);
  assert.match(errorOf(foreign).message, /invalid signature/);
});

test('revoking the API key ends the session tokens it minted', async (context) => {
  const { app, store } = await startServer(context);
  const { key, id } = createApiKey(store.database);
  const { token } = (await mintToken(app, key)).json() as { token: string };
  assert.equal((await app.inject({ url: `/v1/whoami?token=${token}` })).statusCode, 200);
  revokeApiKey(store.database, id);
  const response = await app.inject({ url: `/v1/whoami?token=${token}` });
  assert.equal(response.statusCode, 401);
  assert.match(errorOf(response).message, /minted with an API key that has since been revoked/);
});

test('a session token cannot mint another token', async (context) => {
  const { app, store } = await startServer(context);
  const { key } = createApiKey(store.database);
  const { token } = (await mintToken(app, key)).json() as { token: string };
  const response = await mintToken(app, token, { ttlSeconds: 86_400 });
  assert.equal(response.statusCode, 403);
  assert.equal(errorOf(response).code, 'forbidden');
  assert.match(errorOf(response).message, /minted with an API key only/);
});

test('a bad token request gets a 400 that names the field at fault', async (context) => {
  const { app, store } = await startServer(context);
  const { key } = createApiKey(store.database);
  const cases: [unknown, RegExp][] = [
    [{ ttlSeconds: 0 }, /ttlSeconds: .*>=1/],
    [{ ttlSeconds: 86_401 }, /ttlSeconds: at most 86400 \(24 hours\)/],
    [{ ttlSeconds: 1.5 }, /ttlSeconds: a whole number of seconds/],
    [{ ttlSeconds: '60' }, /ttlSeconds: .*number/],
    [{ persona: '../etc' }, /persona: a persona id/],
    [{ persona: 'nobody' }, /persona "nobody" does not exist in this store/],
    [{ ttl: 60 }, /Unrecognized key.*"ttl"/],
    [[1, 2], /expected object/],
  ];
  for (const [body, expected] of cases) {
    const response = await mintToken(app, key, body);
    assert.equal(response.statusCode, 400, JSON.stringify(body));
    assert.equal(errorOf(response).code, 'invalid-request');
    assert.match(errorOf(response).message, expected);
  }
  const notJson = await app.inject({ method: 'POST', url: '/v1/tokens', headers: { 'x-api-key': key, 'content-type': 'application/json' }, payload: '{"ttlSeconds": ' });
  assert.equal(notJson.statusCode, 400);
  assert.equal(errorOf(notJson).code, 'invalid-request');
  assert.match(errorOf(notJson).message, /JSON/);
});

test('the signing secret is made once, private to its owner, and survives a restart', async (context) => {
  const first = await startServer(context);
  const mode = statSync(tokenSecretFile(first.home)).mode & 0o777;
  assert.equal(mode, 0o600);
  const { key } = createApiKey(first.store.database);
  const { token } = (await mintToken(first.app, key)).json() as { token: string };
  await first.app.close();
  first.store.close();

  const restarted = await startServer(context, first.home);
  assert.equal((await restarted.app.inject({ url: `/v1/whoami?token=${token}` })).statusCode, 200);
});
