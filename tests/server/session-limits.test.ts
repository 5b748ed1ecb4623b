/**
 * Issue #13 ("Trust"), session limits on a real server over loopback WebSockets: per API key
 * (its session tokens included) and in all, refused with close code 1013 and an `error` event
 * naming the setting; and what a session holds is let go when it ends (an idle session never
 * loads a VAD; VADs are shared through a pool, reused, and closed with the server).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { connectTalk, type TalkClient } from '../../src/client/talk-client.js';
import { tooManySessionsCloseCode } from '../../src/server/routes/talk-route.js';
import { createApiKey } from '../../src/store/api-key-repository.js';
import { makeTemporaryFolder } from '../helpers/temporary-folder-per-file.js';
import { startTalkServer, type TalkServer } from './talk-server.js';

describe('WebSocket session limits (issue #13)', () => {
  const home = makeTemporaryFolder('session-limits');
  let server: TalkServer;
  const vads = { created: 0, closed: 0 };

  before(async () => {
    server = await startTalkServer(home, { environment: { PERSONA_MAX_SESSIONS_PER_KEY: '3', PERSONA_MAX_SESSIONS: '5' } });
    // Counts the real Silero VADs the sessions open and close (the engine itself runs unchanged).
    const createVad = server.runtime.createVad;
    server.runtime.createVad = async () => {
      const vad = await createVad();
      vads.created++;
      const close = vad.close.bind(vad);
      vad.close = async () => {
        vads.closed++;
        await close();
      };
      return vad;
    };
  });
  after(async () => {
    await server?.close();
  });

  async function started(key: string): Promise<TalkClient> {
    const client = await connectTalk(server.talkUrl, { token: key });
    client.send({ type: 'session-start', persona: 'meera' });
    await client.waitFor('session-ready');
    return client;
  }

  async function refused(key: string, setting: RegExp): Promise<void> {
    const client = await connectTalk(server.talkUrl, { token: key });
    const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the session was admitted: not closed within 10 s')), 10_000).unref());
    const closed = await Promise.race([client.closed, timeout]).finally(() => client.close());
    assert.equal(closed.code, tooManySessionsCloseCode);
    assert.equal(closed.reason, 'too many sessions');
    const error = client.events.find((event) => event.type === 'error');
    assert.ok(error?.type === 'error' && error.code === 'too-many-sessions', JSON.stringify(client.events));
    assert.match(error.message, setting);
  }

  test('sessions over the per-key limit are refused (tokens count for their key), then admitted once one ends', async () => {
    const minted = await fetch(`${server.httpUrl}/v1/tokens`, { method: 'POST', headers: { authorization: `Bearer ${server.key}`, 'content-type': 'application/json' }, body: '{"persona":"meera"}' });
    const token = ((await minted.json()) as { token: string }).token;
    const open = [await started(server.key), await started(server.key), await started(token)];
    try {
      await refused(server.key, /PERSONA_MAX_SESSIONS_PER_KEY=3/);
      await refused(token, /PERSONA_MAX_SESSIONS_PER_KEY=3/);
      await open.shift()!.close();
      open.push(await started(token));
    } finally {
      await Promise.all(open.map((client) => client.close()));
    }
  });

  test('sessions over the server-wide limit are refused whatever the key', async () => {
    const other = createApiKey(server.store.database, { name: 'other' }).key;
    const third = createApiKey(server.store.database, { name: 'third' }).key;
    const open = [await started(server.key), await started(server.key), await started(server.key), await started(other), await started(other)];
    try {
      await refused(third, /PERSONA_MAX_SESSIONS=5/);
    } finally {
      await Promise.all(open.map((client) => client.close()));
    }
    // Every slot is given back when the sessions end.
    const again = [await started(third), await started(third), await started(third)];
    await Promise.all(again.map((client) => client.close()));
  });

  test('idle sessions load no VAD; a VAD given back is reused by the next session, and closed with the server', async () => {
    const waitUntil = async (done: () => boolean): Promise<void> => {
      for (let waited = 0; !done() && waited < 10_000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
    };
    const before = { ...vads };
    const idle = [await started(server.key), await started(server.key)];
    assert.equal(vads.created, before.created, 'a session that has sent no audio holds no VAD');
    const talking = await started(server.key);
    talking.sendAudio(new Int16Array(1600));
    await waitUntil(() => vads.created > before.created);
    assert.equal(vads.created, before.created + 1);
    await Promise.all([...idle, talking].map((client) => client.close()));
    // The next session that opens its mic gets the same model back (reset), not a new ~10 MB ONNX session.
    const next = await started(server.key);
    next.sendAudio(new Int16Array(1600));
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(vads.created, before.created + 1, 'the released VAD was reused');
    await next.close();
    await server.app.close();
    await waitUntil(() => vads.closed === vads.created);
    assert.equal(vads.closed, vads.created, 'every VAD made is closed when the server closes');
  });
});
