import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test, type TestContext } from 'node:test';
import websocket from '@fastify/websocket';
import Fastify, { type FastifyInstance } from 'fastify';
import WebSocket from 'ws';
import { installAuth } from '../../../src/server/auth/install-auth.js';
import { createApiKey } from '../../../src/store/api-key-repository.js';
import { openStore } from '../../../src/store/store.js';
import { temporaryFolder } from '../../helpers/temporary-folder.js';
import { testConfig } from '../../helpers/test-config.js';

async function listen(context: TestContext): Promise<{ app: FastifyInstance; base: string; key: string; token: string }> {
  const home = temporaryFolder(context);
  const store = openStore(testConfig(home, { PERSONA_ENCRYPT: 'false' }));
  const app = Fastify();
  installAuth(app, { store, home });
  await app.register(websocket);
  app.get('/v1/echo', { websocket: true }, (socket, request) => {
    socket.on('message', (data) => socket.send(`${request.auth?.kind}:${String(data)}`));
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  context.after(async () => {
    await app.close();
    store.close();
  });
  const { key } = createApiKey(store.database);
  const minted = await app.inject({ method: 'POST', url: '/v1/tokens', headers: { authorization: `Bearer ${key}` } });
  const { port } = app.server.address() as AddressInfo;
  return { app, base: `ws://127.0.0.1:${port}`, key, token: (minted.json() as { token: string }).token };
}

/** Opens a socket, sends one message and returns the answer, or the HTTP refusal of the upgrade. */
async function exchange(url: string, headers: Record<string, string> = {}): Promise<{ reply: string } | { status: number; body: string }> {
  const client = new WebSocket(url, { headers });
  const refused = new Promise<{ status: number; body: string }>((resolve) => {
    client.on('unexpected-response', (request, response: IncomingMessage) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => {
        // ws leaves a refused upgrade's connection to whoever listens for it; an open one would hold app.close().
        request.destroy();
        resolve({ status: response.statusCode ?? 0, body });
      });
    });
  });
  const opened = once(client, 'open').then(async () => {
    client.send('hello');
    const [data] = await once(client, 'message');
    client.close();
    return { reply: String(data) };
  });
  return Promise.race([refused, opened]);
}

test('a WebSocket upgrade without credentials is refused with a 401 before any socket opens', async (context) => {
  const { base, key } = await listen(context);
  const refused = await exchange(`${base}/v1/echo`);
  assert.ok('status' in refused, 'the upgrade was accepted');
  assert.equal(refused.status, 401);
  assert.match((JSON.parse(refused.body) as { error: { message: string } }).error.message, /No credentials/);

  const wrong = await exchange(`${base}/v1/echo?key=pk_${'x'.repeat(43)}`);
  assert.ok('status' in wrong && wrong.status === 401);
  assert.ok(!wrong.body.includes('x'.repeat(43)));

  assert.deepEqual(await exchange(`${base}/v1/echo`, { authorization: `Bearer ${key}` }), { reply: 'api-key:hello' });
});

test('a browser opens the socket with ?token=, since it cannot set headers on a WebSocket', async (context) => {
  const { base, token } = await listen(context);
  assert.deepEqual(await exchange(`${base}/v1/echo?token=${token}`), { reply: 'session-token:hello' });
  const tampered = await exchange(`${base}/v1/echo?token=${token.slice(0, -3)}AAA`);
  assert.ok('status' in tampered && tampered.status === 401);
});

test('app.injectWS sees the same refusal, for tests that run without a port', async (context) => {
  const { app, key } = await listen(context);
  await assert.rejects(app.injectWS('/v1/echo'), /Unexpected server response: 401/);
  const socket = await app.injectWS('/v1/echo', { headers: { 'x-api-key': key } });
  const answer = once(socket, 'message');
  socket.send('hi');
  assert.equal(String((await answer)[0]), 'api-key:hi');
  socket.terminate();
});
