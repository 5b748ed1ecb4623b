/**
 * The OpenAI-compatible STT engine against a local server that speaks the
 * `/v1/audio/transcriptions` protocol: it parses the multipart upload, checks the WAV and
 * the fields, and answers as OpenAI and faster-whisper servers do.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { ConfigError } from '../../../src/errors.js';
import { createOpenAiSttEngine, transcriptionsUrl } from '../../../src/stt/openai/openai-stt-engine.js';
import { SttError, transcribeAll } from '../../../src/stt/stt-engine.js';

interface Part {
  name: string;
  filename?: string;
  contentType?: string;
  body: Buffer;
}

interface Received {
  url: string;
  authorization?: string;
  fields: Record<string, string>;
  wav: { sampleRate: number; channels: number; bitsPerSample: number; samples: Int16Array };
}

/** A multipart/form-data parser: enough for what fetch's FormData sends. */
function parseMultipart(body: Buffer, contentType: string): Part[] {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(contentType);
  assert.ok(boundary, `no boundary in ${contentType}`);
  const delimiter = Buffer.from(`--${boundary[1] ?? boundary[2]}`);
  const parts: Part[] = [];
  let start = body.indexOf(delimiter);
  assert.notEqual(start, -1, 'no boundary in the body');
  for (;;) {
    start += delimiter.length;
    if (body.subarray(start, start + 2).toString() === '--') break;
    start += 2; // CRLF after the boundary
    const next = body.indexOf(delimiter, start);
    assert.notEqual(next, -1, 'unterminated part');
    const part = body.subarray(start, next - 2); // CRLF before the next boundary
    const headerEnd = part.indexOf('\r\n\r\n');
    const headers = part.subarray(0, headerEnd).toString('utf8');
    const disposition = /content-disposition: form-data; name="([^"]+)"(?:; filename="([^"]+)")?/i.exec(headers);
    assert.ok(disposition, `bad part headers: ${headers}`);
    parts.push({ name: disposition[1]!, filename: disposition[2], contentType: /content-type: (.+)/i.exec(headers)?.[1]?.trim(), body: part.subarray(headerEnd + 4) });
    start = next;
  }
  return parts;
}

function parseWav(bytes: Buffer): Received['wav'] {
  assert.equal(bytes.subarray(0, 4).toString('latin1'), 'RIFF');
  assert.equal(bytes.subarray(8, 12).toString('latin1'), 'WAVE');
  assert.equal(bytes.readUInt16LE(20), 1, 'PCM format');
  const dataSize = bytes.readUInt32LE(40);
  assert.equal(bytes.subarray(36, 40).toString('latin1'), 'data');
  assert.equal(bytes.length, 44 + dataSize, 'the data chunk size matches the file');
  const samples = new Int16Array(bytes.buffer.slice(bytes.byteOffset + 44, bytes.byteOffset + 44 + dataSize));
  return { channels: bytes.readUInt16LE(22), sampleRate: bytes.readUInt32LE(24), bitsPerSample: bytes.readUInt16LE(34), samples };
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

type Mode = 'verbose' | 'json-only' | 'server-error' | 'unauthorised' | 'slow' | 'not-json';

describe('openai STT engine', () => {
  let server: Server;
  let baseUrl: string;
  let mode: Mode = 'verbose';
  const received: Received[] = [];

  before(async () => {
    server = createServer((request, response) => {
      void (async () => {
        const body = await readBody(request);
        if (request.method !== 'POST' || request.url !== '/v1/audio/transcriptions') {
          response.writeHead(404).end('not found');
          return;
        }
        const parts = parseMultipart(body, request.headers['content-type'] ?? '');
        const file = parts.find((part) => part.name === 'file');
        assert.ok(file, 'a file part');
        assert.equal(file.filename, 'utterance.wav');
        assert.equal(file.contentType, 'audio/wav');
        const fields = Object.fromEntries(parts.filter((part) => part.name !== 'file').map((part) => [part.name, part.body.toString('utf8')]));
        received.push({ url: request.url, authorization: request.headers.authorization, fields, wav: parseWav(file.body) });
        const send = (status: number, value: unknown): void => {
          response.writeHead(status, { 'content-type': 'application/json' }).end(typeof value === 'string' ? value : JSON.stringify(value));
        };
        switch (mode) {
          case 'verbose':
            return send(200, {
              task: 'transcribe',
              language: 'english',
              duration: 1.5,
              text: ' Hello Meera, how is the footbridge? ',
              segments: [
                { id: 0, seek: 0, start: 0.0, end: 0.8, text: ' Hello Meera,' },
                { id: 1, seek: 0, start: 0.8, end: 1.5, text: ' how is the footbridge?' },
              ],
            });
          case 'json-only':
            if (fields.response_format !== 'json') return send(400, { error: { message: `response_format ${fields.response_format} is not supported` } });
            return send(200, { text: 'Hello Meera.' });
          case 'server-error':
            return send(503, { error: { message: 'model is loading' } });
          case 'unauthorised':
            return send(401, { error: { message: 'Incorrect API key provided' } });
          case 'slow':
            await new Promise((resolve) => setTimeout(resolve, 2000));
            return send(200, { text: 'late' });
          case 'not-json':
            return send(200, '<html>proxy error</html>');
        }
      })().catch((error: unknown) => {
        response.writeHead(500).end(`test server: ${String(error)}`);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  async function* speech(samples = 24_000): AsyncGenerator<Float32Array> {
    for (let offset = 0; offset < samples; offset += 320) {
      const chunk = new Float32Array(Math.min(320, samples - offset));
      for (let index = 0; index < chunk.length; index += 1) chunk[index] = Math.sin((offset + index) / 5) * 0.5;
      yield chunk;
    }
  }

  test('uploads the utterance as a 16 kHz mono PCM16 WAV with the model, prompt and format, and returns the segments', async () => {
    mode = 'verbose';
    received.length = 0;
    const engine = createOpenAiSttEngine({ baseUrl, model: 'whisper-1', apiKey: 'secret-key' });
    const result = await transcribeAll(engine, speech(), { bias: { phrases: ['Meera Krishnan checked the Kaveri footbridge.'] }, language: 'en' });
    assert.deepEqual(result, {
      text: 'Hello Meera, how is the footbridge?',
      segments: [
        { text: 'Hello Meera,', startMs: 0, endMs: 800 },
        { text: 'how is the footbridge?', startMs: 800, endMs: 1500 },
      ],
    });
    assert.equal(received.length, 1);
    const [request] = received;
    assert.equal(request!.authorization, 'Bearer secret-key');
    assert.equal(request!.fields.model, 'whisper-1');
    assert.equal(request!.fields.response_format, 'verbose_json');
    assert.equal(request!.fields.language, 'en');
    assert.match(request!.fields.prompt ?? '', /Meera Krishnan/);
    assert.match(request!.fields.prompt ?? '', /Kaveri/);
    assert.deepEqual({ ...request!.wav, samples: request!.wav.samples.length }, { sampleRate: 16000, channels: 1, bitsPerSample: 16, samples: 24_000 });
    assert.equal(request!.wav.samples[5], Math.round(Math.sin(1) * 0.5 * 32767));
  });

  test('a server without verbose_json gets a second request with json', async () => {
    mode = 'json-only';
    received.length = 0;
    const engine = createOpenAiSttEngine({ baseUrl: `${baseUrl}/v1`, model: 'small.en' });
    const result = await transcribeAll(engine, speech());
    assert.deepEqual(result, { text: 'Hello Meera.', segments: [] });
    assert.deepEqual(received.map((request) => request.fields.response_format), ['verbose_json', 'json']);
    assert.equal(received[0]!.authorization, undefined);
    assert.equal(received[0]!.fields.prompt, undefined, 'no bias, no prompt');
  });

  const failures: Array<[Mode, RegExp, boolean]> = [
    ['server-error', /answered HTTP 503: .*model is loading/, true],
    ['unauthorised', /answered HTTP 401: .*Incorrect API key/, false],
    ['not-json', /not JSON: <html>proxy error<\/html>/, false],
  ];
  for (const [failure, message, retryable] of failures) {
    test(`a ${failure} answer is an SttError naming the URL (retryable: ${retryable})`, async () => {
      mode = failure;
      const engine = createOpenAiSttEngine({ baseUrl, model: 'whisper-1' });
      await assert.rejects(transcribeAll(engine, speech()), (error: unknown) => {
        assert.ok(error instanceof SttError);
        assert.equal(error.code, 'service-unavailable');
        assert.ok(error.message.includes(`${baseUrl}/v1/audio/transcriptions`), error.message);
        assert.match(error.message, message);
        assert.equal(error.retryable, retryable);
        return true;
      });
    });
  }

  test('a server that does not answer in time is a retryable timeout', async () => {
    mode = 'slow';
    const engine = createOpenAiSttEngine({ baseUrl, model: 'whisper-1', timeoutMs: 200 });
    await assert.rejects(transcribeAll(engine, speech()), (error: unknown) => error instanceof SttError && error.retryable && /did not answer within 0.2 s/.test(error.message));
  });

  test('an abort while the server works ends the stream quietly', async () => {
    mode = 'slow';
    const engine = createOpenAiSttEngine({ baseUrl, model: 'whisper-1' });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const events = [];
    for await (const event of engine.transcribe(speech(), { signal: controller.signal })) events.push(event);
    assert.deepEqual(events, []);
  });

  test('a server nobody listens on is a retryable connection error', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const engine = createOpenAiSttEngine({ baseUrl: `http://127.0.0.1:${port}`, model: 'whisper-1' });
    await assert.rejects(
      transcribeAll(engine, speech()),
      (error: unknown) => error instanceof SttError && error.retryable && error.message.includes(`http://127.0.0.1:${port}/v1/audio/transcriptions cannot be reached: ECONNREFUSED`),
    );
  });

  test('no audio gives an empty final without a request', async () => {
    received.length = 0;
    const engine = createOpenAiSttEngine({ baseUrl, model: 'whisper-1' });
    assert.deepEqual(await transcribeAll(engine, (async function* () {})()), { text: '', segments: [] });
    assert.equal(received.length, 0);
  });

  test('the URL may be the server, its /v1, or the endpoint itself; anything else is a ConfigError', () => {
    assert.equal(transcriptionsUrl('http://gpu-box:8000'), 'http://gpu-box:8000/v1/audio/transcriptions');
    assert.equal(transcriptionsUrl('http://gpu-box:8000/v1/'), 'http://gpu-box:8000/v1/audio/transcriptions');
    assert.equal(transcriptionsUrl('https://api.openai.com/v1/audio/transcriptions'), 'https://api.openai.com/v1/audio/transcriptions');
    assert.throws(() => transcriptionsUrl('gpu-box:8000'), (error: unknown) => error instanceof ConfigError && /PERSONA_STT_URL/.test(error.message));
    assert.throws(() => transcriptionsUrl('not a url'), ConfigError);
  });
});
