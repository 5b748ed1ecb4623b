/**
 * The openai TTS engine against real local HTTP servers speaking the `/v1/audio/speech`
 * protocol: a JSON POST in; raw 24 kHz PCM16 LE (or a WAV) streamed back in chunks; JSON
 * errors in the OpenAI shape.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { test, type TestContext } from 'node:test';
import { encodeWav } from '../../../src/audio/wav-file.js';
import { createOpenAiTtsEngine } from '../../../src/tts/openai/openai-tts-engine.js';
import { speechUrl } from '../../../src/tts/openai/speech-url.js';
import { TtsError, type AudioChunk } from '../../../src/tts/tts-engine.js';

interface SpeechRequest {
  body: { model: string; input: string; voice: string; response_format: string };
  headers: http.IncomingHttpHeaders;
  url: string;
  req: http.IncomingMessage;
  res: http.ServerResponse;
}

async function startServer(context: TestContext, onSpeech: (request: SpeechRequest) => void | Promise<void>): Promise<{ base: string; requests: SpeechRequest[] }> {
  const requests: SpeechRequest[] = [];
  const server = http.createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (data: Buffer) => parts.push(data));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/audio/speech') {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: 'not found' } }));
        return;
      }
      const request = { body: JSON.parse(Buffer.concat(parts).toString('utf8')) as SpeechRequest['body'], headers: req.headers, url: req.url, req, res };
      requests.push(request);
      void onSpeech(request);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  context.after(() => {
    server.closeAllConnections();
    server.close();
  });
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
}

/** A deterministic PCM16 signal and its little-endian bytes. */
function signal(samples: number): { pcm: Int16Array; bytes: Buffer } {
  const pcm = new Int16Array(samples);
  for (let index = 0; index < samples; index++) pcm[index] = Math.round(12000 * Math.sin(index / 7)) - 3;
  return { pcm, bytes: Buffer.from(pcm.buffer) };
}

async function collect(stream: AsyncIterable<AudioChunk>): Promise<AudioChunk[]> {
  const chunks: AudioChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

function joined(chunks: readonly AudioChunk[]): Int16Array {
  return Int16Array.from(chunks.flatMap((chunk) => [...chunk.pcm]));
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('PCM streams back as it arrives, whatever the byte splits, with the exact protocol request', async (context) => {
  const { pcm, bytes } = signal(4801);
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const { base, requests } = await startServer(context, async ({ res }) => {
    res.writeHead(200, { 'content-type': 'audio/pcm' });
    // Odd-sized pieces: samples split across chunks.
    res.write(bytes.subarray(0, 1001));
    await released; // the rest only after the client has played the first part
    for (let at = 1001; at < bytes.length; at += 777) {
      res.write(bytes.subarray(at, Math.min(bytes.length, at + 777)));
      await pause(2);
    }
    res.end();
  });
  const engine = createOpenAiTtsEngine({ url: base, apiKey: 'sk-test', model: 'tts-1' });
  assert.deepEqual(engine.capabilities, { streaming: true, cloning: false, sampleRate: 24000 });
  const chunks: AudioChunk[] = [];
  for await (const chunk of engine.synthesize('Hello there.', { voice: 'nova' })) {
    chunks.push(chunk);
    if (chunks.length === 1) release();
  }
  assert.ok(chunks.length > 2, `${chunks.length} chunks`);
  assert.equal(chunks[0]!.pcm.length, 500, 'the first chunk was yielded before the rest was sent');
  assert.ok(chunks.every((chunk) => chunk.sampleRate === 24000));
  assert.deepEqual(joined(chunks), pcm);
  assert.deepEqual(requests[0]!.body, { model: 'tts-1', input: 'Hello there.', voice: 'nova', response_format: 'pcm' });
  assert.equal(requests[0]!.headers.authorization, 'Bearer sk-test');
  assert.equal(requests[0]!.headers['content-type'], 'application/json');
});

test('a server that refuses pcm is asked for wav, which is parsed and resampled to 24 kHz, from then on', async (context) => {
  const { pcm } = signal(22050);
  const { base, requests } = await startServer(context, ({ body, res }) => {
    if (body.response_format === 'pcm') {
      res.writeHead(422, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ detail: [{ loc: ['body', 'response_format'], msg: "Input should be 'mp3', 'opus' or 'wav'" }] }));
      return;
    }
    const wav = encodeWav(pcm, 22050);
    res.writeHead(200, { 'content-type': 'audio/wav' });
    res.write(wav.subarray(0, 30)); // the header split mid-way
    res.end(wav.subarray(30));
  });
  const engine = createOpenAiTtsEngine({ url: `${base}/v1`, model: 'kokoro' });
  const first = joined(await collect(engine.synthesize('Hello.')));
  assert.ok(Math.abs(first.length - 24000) <= 2, `${first.length} samples for one second`);
  assert.equal(engine.responseFormat, 'wav');
  await collect(engine.synthesize('Again.'));
  assert.deepEqual(
    requests.map((request) => request.body.response_format),
    ['pcm', 'wav', 'wav'],
  );
});

test('a server that ignores response_format and sends a WAV is still understood', async (context) => {
  const { pcm } = signal(2400);
  const { base } = await startServer(context, ({ res }) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    res.end(encodeWav(pcm, 24000));
  });
  const engine = createOpenAiTtsEngine({ url: base, model: 'tts-1' });
  assert.deepEqual(joined(await collect(engine.synthesize('Hello.'))), pcm);
});

test('errors name the URL, the status and the server message; 5xx is retryable, 401 is not', async (context) => {
  const { base } = await startServer(context, ({ body, res }) => {
    const status = body.input === 'key' ? 401 : 500;
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { message: status === 401 ? 'Incorrect API key provided' : 'CUDA out of memory while synthesising' } }));
  });
  const engine = createOpenAiTtsEngine({ url: base, model: 'tts-1' });
  await assert.rejects(collect(engine.synthesize('boom')), (error: unknown) => {
    assert.ok(error instanceof TtsError);
    assert.equal(error.code, 'service-unavailable');
    assert.equal(error.retryable, true);
    assert.ok(error.message.includes(`${base}/v1/audio/speech`), error.message);
    assert.match(error.message, /500: CUDA out of memory/);
    return true;
  });
  await assert.rejects(collect(engine.synthesize('key')), (error: unknown) => {
    assert.ok(error instanceof TtsError);
    assert.equal(error.code, 'config-invalid');
    assert.equal(error.retryable, false);
    assert.match(error.message, /401: Incorrect API key/);
    return true;
  });
});

test('a server that dies mid-stream gives a retryable error, not a hang', async (context) => {
  const { bytes } = signal(24000);
  const { base } = await startServer(context, async ({ req, res }) => {
    res.writeHead(200, { 'content-type': 'audio/pcm' });
    res.write(bytes.subarray(0, 4000));
    await pause(20);
    req.socket.destroy();
  });
  const engine = createOpenAiTtsEngine({ url: base, model: 'tts-1' });
  let received = 0;
  await assert.rejects(
    (async () => {
      for await (const chunk of engine.synthesize('Hello.')) received += chunk.pcm.length;
    })(),
    (error: unknown) => {
      assert.ok(error instanceof TtsError);
      assert.equal(error.retryable, true);
      assert.match(error.message, /stream was cut/);
      return true;
    },
  );
  assert.equal(received, 2000, 'the audio before the cut was yielded');
});

test('a refused connection is retryable and names the URL', async () => {
  const server = http.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  server.close();
  await once(server, 'close');
  const engine = createOpenAiTtsEngine({ url: `http://127.0.0.1:${port}`, model: 'tts-1' });
  await assert.rejects(collect(engine.synthesize('Hello.')), (error: unknown) => {
    assert.ok(error instanceof TtsError);
    assert.equal(error.retryable, true);
    assert.match(error.message, new RegExp(`cannot reach the speech server at http://127.0.0.1:${port}/v1/audio/speech: connection refused`));
    return true;
  });
});

test('a server that goes silent times out with a retryable error', async (context) => {
  const { base } = await startServer(context, ({ res }) => {
    res.writeHead(200, { 'content-type': 'audio/pcm' });
    res.write(Buffer.alloc(100));
    // …and nothing more.
  });
  const engine = createOpenAiTtsEngine({ url: base, model: 'tts-1', timeoutMs: 200 });
  await assert.rejects(collect(engine.synthesize('Hello.')), (error: unknown) => {
    assert.ok(error instanceof TtsError);
    assert.equal(error.retryable, true);
    assert.match(error.message, /sent nothing for 200 ms/);
    return true;
  });
});

test('an abort mid-stream ends quietly and closes the connection', async (context) => {
  const { bytes } = signal(2400);
  let serverSawClose!: () => void;
  const closed = new Promise<void>((resolve) => (serverSawClose = resolve));
  const { base } = await startServer(context, ({ res }) => {
    res.writeHead(200, { 'content-type': 'audio/pcm' });
    res.write(bytes);
    res.on('close', () => serverSawClose());
    // The stream stays open until the client goes away.
  });
  const engine = createOpenAiTtsEngine({ url: base, model: 'tts-1' });
  const controller = new AbortController();
  let chunks = 0;
  for await (const _chunk of engine.synthesize('Hello.', { signal: controller.signal })) {
    chunks++;
    controller.abort();
  }
  assert.equal(chunks, 1);
  await closed;
  // Aborted before it starts: no request at all.
  assert.deepEqual(await collect(engine.synthesize('Hello.', { signal: controller.signal })), []);
  assert.deepEqual(await collect(engine.synthesize('  ')), []);
});

test('the speech URL is found from a base URL, a /v1 URL or the endpoint itself', () => {
  assert.equal(speechUrl('http://host:8880'), 'http://host:8880/v1/audio/speech');
  assert.equal(speechUrl('http://host:8880/v1/'), 'http://host:8880/v1/audio/speech');
  assert.equal(speechUrl('https://api.example.com/v1/audio/speech'), 'https://api.example.com/v1/audio/speech');
  assert.throws(() => speechUrl('ftp://host'), /must start with http/);
  assert.throws(() => createOpenAiTtsEngine({ url: 'not a url', model: 'tts-1' }), /"not a url".*is not a URL/);
});
