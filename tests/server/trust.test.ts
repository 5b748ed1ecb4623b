/**
 * Issue #13 ("Trust"), the server's part, on a real server (real engines, a loopback port):
 * one persona's token sees nothing of another's; every route keeps the same request limits;
 * malformed requests get a clear 4xx; sources reach clients without the server's paths.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { connectTalk } from '../../src/client/talk-client.js';
import { savePersona } from '../../src/store/persona-repository.js';
import { samplePersonaFolder } from '../helpers/sample-persona.js';
import { makeTemporaryFolder } from '../helpers/temporary-folder-per-file.js';
import { startTalkServer, type TalkServer } from './talk-server.js';

interface SentSource {
  id: string;
  label: string;
  source: string;
}

describe('trust on the server (issue #13)', () => {
  const home = makeTemporaryFolder('trust');
  let server: TalkServer;
  let authorization: Record<string, string>;
  /** A meera answer made with the API key: its audio id and stored turn. */
  let meeraAnswer: { audioUrl: string; turnId: number; sources: SentSource[] };

  const post = (route: string, body: unknown, headers: Record<string, string> = authorization): Promise<Response> =>
    fetch(`${server.httpUrl}${route}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body) });
  const errorOf = async (response: Response): Promise<{ code: string; message: string }> => ((await response.json()) as { error: { code: string; message: string } }).error;
  const turnCount = (): number => server.store.database.prepare('SELECT count(*) FROM conversation_turns').pluck().get() as number;
  async function tokenFor(persona: string): Promise<Record<string, string>> {
    const minted = await post('/v1/tokens', { persona });
    assert.equal(minted.status, 200);
    return { authorization: `Bearer ${((await minted.json()) as { token: string }).token}` };
  }
  /** Every source a client gets: a label, and a path relative to the ingested folder. */
  function assertClientSources(sources: SentSource[], where: string): void {
    assert.ok(sources.length > 0, `${where}: has sources`);
    for (const source of sources) {
      assert.ok(source.label.length > 0, `${where}: a label`);
      assert.ok(!source.source.startsWith('/'), `${where}: ${source.source} is not absolute`);
      assert.ok(!source.source.includes(samplePersonaFolder) && !source.source.includes(home) && !source.source.includes('..'), `${where}: ${source.source}`);
      // The path is the file's place under what was ingested (examples/meera-krishnan): mail/…, interviews/…, documents/….
      assert.match(source.source, /^(mail|interviews|documents|chats)\//, `${where}: ${source.source}`);
    }
    assert.doesNotMatch(JSON.stringify(sources), new RegExp(samplePersonaFolder.replaceAll('/', '\\/')), where);
  }

  before(async () => {
    server = await startTalkServer(home);
    authorization = { authorization: `Bearer ${server.key}` };
    savePersona(server.store.database, 'tom', ['Tom Okafor']);
    const response = await post('/v1/interact', { text: 'What do you drink in the morning?', persona: 'meera' });
    assert.equal(response.status, 200, await response.clone().text());
    const body = (await response.json()) as { audio_url: string; turn_id: number; sources: SentSource[] };
    meeraAnswer = { audioUrl: body.audio_url, turnId: body.turn_id, sources: body.sources };
  });
  after(async () => {
    await server?.close();
  });

  describe('1. a token scoped to one persona sees nothing of another', () => {
    test("another persona's audio is answered as not found", async () => {
      const tom = await tokenFor('tom');
      const stranger = await fetch(`${server.httpUrl}${meeraAnswer.audioUrl}`, { headers: tom });
      assert.equal(stranger.status, 404);
      const unknown = await fetch(`${server.httpUrl}/v1/audio/00000000-0000-4000-8000-000000000000`, { headers: tom });
      assert.equal(unknown.status, 404);
      // Same answer shape as an id that never existed, and nothing about whose it is.
      assert.equal((await errorOf(stranger)).code, (await errorOf(unknown)).code);
      assert.equal((await fetch(`${server.httpUrl}${meeraAnswer.audioUrl}`, { headers: await tokenFor('meera') })).status, 200);
      assert.equal((await fetch(`${server.httpUrl}${meeraAnswer.audioUrl}`, { headers: authorization })).status, 200);
    });

    test("feedback on another persona's turn is answered as not found, naming no persona", async () => {
      const response = await post('/v1/feedback', { turn_id: meeraAnswer.turnId, rating: 1 }, await tokenFor('tom'));
      assert.equal(response.status, 404);
      const text = await response.text();
      assert.doesNotMatch(text, /meera/i);
      assert.match(text, new RegExp(`no turn ${meeraAnswer.turnId}`));
    });

    test('/metrics refuses a persona-scoped token and answers an API key', async () => {
      const scoped = await fetch(`${server.httpUrl}/metrics`, { headers: await tokenFor('meera') });
      assert.equal(scoped.status, 403);
      assert.match((await errorOf(scoped)).message, /scoped to persona "meera"/);
      assert.equal((await fetch(`${server.httpUrl}/metrics`, { headers: authorization })).status, 200);
    });
  });

  describe('2. /v1/chat/completions keeps the limits of the other routes', () => {
    test('20,000 messages are refused, naming the limit, and nothing is stored', async () => {
      const before = turnCount();
      const messages = Array.from({ length: 20_000 }, (_, index) => ({ role: index % 2 ? 'assistant' : 'user', content: 'hi' }));
      messages.push({ role: 'user', content: 'What do you drink in the morning?' });
      const response = await post('/v1/chat/completions', { model: 'meera', messages });
      assert.equal(response.status, 400);
      assert.match((await errorOf(response)).message, /messages: at most 64 messages per request/);
      assert.equal(turnCount(), before);
    });

    test('a 900 KB question is refused, as is one over the 4000-character limit of /v1/interact, and neither is stored', async () => {
      const before = turnCount();
      const response = await post('/v1/chat/completions', { model: 'meera', messages: [{ role: 'user', content: 'why '.repeat(225_000) }] });
      assert.equal(response.status, 400);
      assert.match((await errorOf(response)).message, /messages\.0\.content: at most 20000 characters per message/);
      // Under the per-message limit but over the question limit every other route keeps.
      const long = await post('/v1/chat/completions', { model: 'meera', messages: [{ role: 'user', content: 'why '.repeat(1500) }] });
      assert.equal(long.status, 400);
      assert.match((await errorOf(long)).message, /messages\.0\.content: the question is 5999 characters long; at most 4000/);
      assert.equal(turnCount(), before);
      const interact = await post('/v1/interact', { text: 'why '.repeat(1001), persona: 'meera' });
      assert.equal(interact.status, 400);
      assert.match((await errorOf(interact)).message, /at most 4000 characters/);
    });
  });

  describe('3. malformed requests get a clear 4xx', () => {
    test('a truncated multipart upload is a 400 naming the multipart body', async () => {
      const boundary = 'persona-boundary';
      const cut = `--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="q.wav"\r\ncontent-type: audio/wav\r\n\r\nRIFF\u0000\u0000`;
      const response = await fetch(`${server.httpUrl}/v1/audio/transcriptions`, { method: 'POST', headers: { ...authorization, 'content-type': `multipart/form-data; boundary=${boundary}` }, body: cut });
      assert.equal(response.status, 400);
      assert.match((await errorOf(response)).message, /multipart body could not be read/);
    });

    test('an 8,000-character audio id is a 400 naming the audio id', async () => {
      const response = await fetch(`${server.httpUrl}/v1/audio/${'a'.repeat(8000)}`, { headers: authorization });
      assert.equal(response.status, 400);
      const error = await errorOf(response);
      assert.equal(error.code, 'invalid-request');
      assert.match(error.message, /audio id: .*8000 characters/);
    });

    test('a valid JSON body with a __proto__ key is accepted without polluting any prototype', async () => {
      const body = `{"turn_id": ${meeraAnswer.turnId}, "rating": 1, "__proto__": {"polluted": "yes"}, "constructor": {"prototype": {"polluted": "yes"}}}`;
      const response = await post('/v1/feedback', body);
      assert.equal(response.status, 201, await response.clone().text());
      assert.equal(({} as Record<string, unknown>).polluted, undefined);
      assert.equal(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted'), false);
    });

    test('../ in a voice or adapter name is a 400 naming it', async () => {
      const cases: [string, unknown, RegExp][] = [
        ['/v1/interact', { text: 'Hello?', persona: 'meera', voice: '../../etc' }, /voice: a voice name/],
        ['/v1/interact', { text: 'Hello?', persona: 'meera', adapter: '../vault/x' }, /adapter: an adapter id/],
        ['/v1/interact', { text: 'Hello?', persona: 'meera', adapter: 'a..b' }, /adapter: an adapter id: no "\.\."/],
        ['/v1/audio/speech', { input: 'Hello', voice: '../meera' }, /voice: a voice name/],
        ['/v1/batch', { questions: ['Hello?'], adapter: '../x' }, /adapter: an adapter id/],
      ];
      for (const [route, body, expected] of cases) {
        const response = await post(route, body);
        assert.equal(response.status, 400, `${route} ${JSON.stringify(body)}`);
        assert.match((await errorOf(response)).message, expected);
      }
    });

    test('non-UTF-8 bytes in a JSON body are a 400 naming UTF-8', async () => {
      const bytes = Buffer.concat([Buffer.from('{"text": "caf'), Buffer.from([0xe9]), Buffer.from('", "persona": "meera"}')]);
      const before = turnCount();
      const response = await post('/v1/interact', new Uint8Array(bytes));
      assert.equal(response.status, 400);
      assert.match((await errorOf(response)).message, /not valid UTF-8 \(first bad byte at offset 13\)/);
      assert.equal(turnCount(), before);
    });
  });

  describe('4. sources reach clients with a label and a relative path, never the server path', () => {
    test('/v1/interact', () => {
      assertClientSources(meeraAnswer.sources, '/v1/interact');
    });

    test('/v1/chat/completions, whole and streamed', async () => {
      const whole = await post('/v1/chat/completions', { model: 'meera', messages: [{ role: 'user', content: 'What do you drink in the morning?' }] });
      assert.equal(whole.status, 200);
      assertClientSources(((await whole.json()) as { persona: { sources: SentSource[] } }).persona.sources, 'chat completion');
      const streamed = await post('/v1/chat/completions', { model: 'meera', stream: true, messages: [{ role: 'user', content: 'What do you drink in the morning?' }] });
      const text = await streamed.text();
      const last = text
        .split('\n\n')
        .filter((line) => line.startsWith('data: {'))
        .map((line) => JSON.parse(line.slice(6)) as { persona?: { sources: SentSource[] } })
        .find((chunk) => chunk.persona);
      assert.ok(last?.persona, 'the last chunk carries the sources');
      assertClientSources(last.persona.sources, 'chat completion stream');
      assert.doesNotMatch(text, new RegExp(samplePersonaFolder.replaceAll('/', '\\/')));
    });

    test('/v1/talk sources events', async () => {
      const client = await connectTalk(server.talkUrl, { token: server.key });
      try {
        client.send({ type: 'session-start', persona: 'meera' });
        await client.waitFor('session-ready');
        client.send({ type: 'text', text: 'What do you drink in the morning?' });
        const sources = await client.waitFor('sources', undefined, 60_000);
        assertClientSources(sources.sources, '/v1/talk');
        await client.waitFor('turn-metrics', undefined, 90_000);
      } finally {
        await client.close();
      }
    });

    test('batch outputs', async () => {
      const submitted = await post('/v1/batch', { questions: ['What do you drink in the morning?'], persona: 'meera', format: 'wav' });
      assert.equal(submitted.status, 202);
      const { id } = (await submitted.json()) as { id: string };
      for (let attempt = 0; attempt < 600; attempt++) {
        const job = (await (await fetch(`${server.httpUrl}/v1/batch/${id}`, { headers: authorization })).json()) as { status: string; items: { sources?: SentSource[] }[] };
        if (job.status === 'done') {
          assertClientSources(job.items[0]!.sources ?? [], 'batch item');
          return;
        }
        assert.ok(job.status === 'queued' || job.status === 'running', job.status);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      assert.fail('the batch did not finish in 60 s');
    });
  });
});
