/**
 * The OpenAI-compatible engine against a real local HTTP server speaking the streaming
 * chat protocol: what it sends (adapters as vLLM and llama-server want them), what it
 * makes of the stream however the bytes arrive, and every way the server can fail.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, test } from 'node:test';
import type { GenerateRequest, LlmEngine } from '../../../src/llm/llm-engine.js';
import { createOpenAiEngine, chatCompletionsUrl } from '../../../src/llm/openai/openai-engine.js';
import { OpenAiEngineError } from '../../../src/llm/openai/openai-engine-error.js';
import {
  answerEvents,
  completionChunk,
  sendJsonError,
  startEventStream,
  startOpenAiTestServer,
  streamAnswer,
  writeSlowly,
  type OpenAiTestServer,
} from './openai-test-server.js';

let server: OpenAiTestServer;

before(async () => {
  server = await startOpenAiTestServer();
});

beforeEach(() => {
  server.requests.length = 0;
});

after(async () => {
  await server.close();
});

const question: GenerateRequest = { messages: [{ role: 'system', content: 'You are Meera.' }, { role: 'user', content: 'Coffee or tea?' }] };

async function collect(engine: LlmEngine, request: GenerateRequest = question): Promise<string[]> {
  const texts: string[] = [];
  for await (const delta of engine.generate(request)) {
    assert.equal(delta.type, 'text-delta');
    texts.push(delta.text);
  }
  return texts;
}

async function rejection(work: Promise<unknown>): Promise<OpenAiEngineError> {
  try {
    await work;
  } catch (error) {
    assert.ok(error instanceof OpenAiEngineError, `expected an OpenAiEngineError, got ${String(error)}`);
    return error;
  }
  return assert.fail('expected the stream to fail');
}

test('streams the content deltas in order and sends the request the protocol expects', async () => {
  server.respondWith((_request, response) => streamAnswer(response, ['Filter', ' coffee', ', strong', '.']));
  const engine = createOpenAiEngine({ baseUrl: server.baseUrl, model: 'meta-llama/Meta-Llama-3-8B-Instruct', apiKey: 'secret-key' });
  assert.deepEqual(engine.capabilities, { adapters: false, streaming: true, generative: true });
  const texts = await collect(engine, { ...question, temperature: 0, maxTokens: 64, seed: 7, adapter: { id: 'meera-v1' } });
  assert.deepEqual(texts, ['Filter', ' coffee', ', strong', '.']);

  const [received] = server.requests;
  assert.ok(received);
  assert.equal(received.method, 'POST');
  assert.equal(received.url, '/v1/chat/completions');
  assert.equal(received.headers.authorization, 'Bearer secret-key');
  assert.match(received.headers['content-type'] ?? '', /application\/json/);
  // adapterMode 'none' ignores the adapter: the base model answers, and no lora field goes out.
  assert.deepEqual(received.body, {
    model: 'meta-llama/Meta-Llama-3-8B-Instruct',
    messages: question.messages,
    stream: true,
    temperature: 0,
    max_tokens: 64,
    seed: 7,
  });
  await engine.close();
});

test('vLLM mode: the adapter is asked for as a model of its own', async () => {
  server.respondWith((_request, response) => streamAnswer(response, ['ok']));
  const engine = createOpenAiEngine({ baseUrl: `${server.baseUrl}/v1/`, model: 'llama-3-8b', adapterMode: 'vllm' });
  assert.equal(engine.capabilities.adapters, true);
  assert.deepEqual(await collect(engine, { ...question, adapter: { id: 'meera-v1', servedName: 'meera-lora' } }), ['ok']);
  await collect(engine, { ...question, adapter: { id: 'meera-v2' } });
  await collect(engine);
  assert.deepEqual(
    server.requests.map((request) => [request.url, request.body.model, 'lora' in request.body]),
    [
      ['/v1/chat/completions', 'meera-lora', false],
      ['/v1/chat/completions', 'meera-v2', false],
      ['/v1/chat/completions', 'llama-3-8b', false],
    ],
  );
});

test('llama-server mode: the base model with a per-request lora list; none means every adapter off', async () => {
  server.respondWith((_request, response) => streamAnswer(response, ['ok']));
  const engine = createOpenAiEngine({ baseUrl: server.baseUrl, model: 'llama-3-8b', adapterMode: 'llama-server' });
  await collect(engine, { ...question, adapter: { id: 'meera-v1', servedName: '1', scale: 0.8 } });
  await collect(engine, { ...question, adapter: { id: '0' } });
  await collect(engine);
  assert.deepEqual(
    server.requests.map((request) => [request.body.model, request.body.lora]),
    [
      ['llama-3-8b', [{ id: 1, scale: 0.8 }]],
      ['llama-3-8b', [{ id: 0, scale: 1 }]],
      ['llama-3-8b', []],
    ],
  );
  await assert.rejects(collect(engine, { ...question, adapter: { id: 'meera-v1', servedName: 'meera' } }), (error: Error) => {
    assert.match(error.message, /Adapter "meera-v1".*by number.*"meera"/);
    return true;
  });
});

test('events split mid-line across TCP writes, CRLF, comments, multi-line data and split UTF-8 all decode', async () => {
  const coffee = Buffer.from(`data: ${completionChunk({ content: ' காபி' })}\r\n\r\n`);
  const splitInCharacter = coffee.indexOf(Buffer.from('காபி')) + 1;
  server.respondWith(async (_request, response) => {
    startEventStream(response);
    const [role, first, second] = answerEvents(['Filter coffee', ', strong']) as [string, string, string];
    await writeSlowly(response, [
      ': connected\n\n',
      role.slice(0, 10),
      role.slice(10) + first.slice(0, 25),
      first.slice(25, 40),
      first.slice(40) + second.replace(/\n\n$/, '\r'),
      '\n\r\n',
      coffee.subarray(0, splitInCharacter),
      coffee.subarray(splitInCharacter),
      // One chunk's JSON spread over two data lines: they join with "\n", which JSON allows.
      `data: {"choices":[{"index":0,\ndata: "delta":{"content":"!"}}]}\n\n`,
      `data: ${completionChunk({}, 'stop')}\n\n: done soon\n\ndata: [DO`,
      'NE]\n\n',
    ]);
    response.end();
  });
  const engine = createOpenAiEngine({ baseUrl: server.baseUrl, model: 'm' });
  assert.deepEqual(await collect(engine), ['Filter coffee', ', strong', ' காபி', '!']);
});

test('a server that ignores stream: true and sends one JSON completion still answers', async () => {
  server.respondWith((_request, response) => {
    response.writeHead(200, { 'Content-Type': 'application/json' });
    response.end(JSON.stringify({ object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: 'Whole answer.' }, finish_reason: 'stop' }] }));
  });
  assert.deepEqual(await collect(createOpenAiEngine({ baseUrl: server.baseUrl, model: 'm' })), ['Whole answer.']);
});

test('HTTP 500: a retryable error with the server message and the URL', async () => {
  server.respondWith((_request, response) => sendJsonError(response, 500, { error: { message: 'CUDA out of memory', type: 'server_error', code: 500 } }));
  const error = await rejection(collect(createOpenAiEngine({ baseUrl: server.baseUrl, model: 'm' })));
  assert.equal(error.kind, 'http-status');
  assert.equal(error.status, 500);
  assert.equal(error.code, 'service-unavailable');
  assert.equal(error.retryable, true);
  assert.equal(error.message, `The LLM server at ${server.baseUrl}/v1/chat/completions answered 500: CUDA out of memory`);
});

test('HTTP 429: retryable, with Retry-After', async () => {
  server.respondWith((_request, response) =>
    sendJsonError(response, 429, { error: { message: 'Too many concurrent requests', type: 'rate_limit_error' } }, { 'Retry-After': '3' }),
  );
  const error = await rejection(collect(createOpenAiEngine({ baseUrl: server.baseUrl, model: 'm' })));
  assert.equal(error.status, 429);
  assert.equal(error.retryable, true);
  assert.equal(error.retryAfterMs, 3000);
  assert.match(error.message, /answered 429: Too many concurrent requests/);
  assert.ok(error.message.includes(server.baseUrl));
});

test('HTTP 404 from vLLM for an unknown adapter: not retryable, names the model', async () => {
  server.respondWith((request, response) =>
    sendJsonError(response, 404, { object: 'error', message: `The model \`${String(request.body.model)}\` does not exist.`, type: 'NotFoundError', param: null, code: 404 }),
  );
  const engine = createOpenAiEngine({ baseUrl: server.baseUrl, model: 'm', adapterMode: 'vllm' });
  const error = await rejection(collect(engine, { ...question, adapter: { id: 'missing-lora' } }));
  assert.equal(error.code, 'not-found');
  assert.equal(error.retryable, false);
  assert.match(error.message, /answered 404: The model `missing-lora` does not exist\./);
});

test('the server killing the socket mid-stream: the deltas so far, then an error saying the stream was cut', async () => {
  server.respondWith(async (_request, response) => {
    startEventStream(response);
    await writeSlowly(response, answerEvents(['one', ' two', ' three']).slice(0, 3));
    response.socket?.destroy();
  });
  const texts: string[] = [];
  const engine = createOpenAiEngine({ baseUrl: server.baseUrl, model: 'm' });
  const error = await rejection(
    (async () => {
      for await (const delta of engine.generate(question)) texts.push(delta.text);
    })(),
  );
  assert.deepEqual(texts, ['one', ' two']);
  assert.equal(error.kind, 'stream-cut');
  assert.equal(error.retryable, true);
  assert.match(error.message, /cut the stream/);
  assert.ok(error.message.includes(server.baseUrl));
});

test('a response that ends cleanly but without [DONE] is also a cut stream', async () => {
  server.respondWith(async (_request, response) => {
    startEventStream(response);
    await writeSlowly(response, answerEvents(['half']).slice(0, 2));
    response.end();
  });
  const error = await rejection(collect(createOpenAiEngine({ baseUrl: server.baseUrl, model: 'm' })));
  assert.equal(error.kind, 'stream-cut');
});

test('malformed JSON in a data line: an error naming the line', async () => {
  server.respondWith(async (_request, response) => {
    startEventStream(response);
    await writeSlowly(response, [answerEvents([])[0]!, 'data: {"choices": [oops\n\n', 'data: [DONE]\n\n']);
    response.end();
  });
  const error = await rejection(collect(createOpenAiEngine({ baseUrl: server.baseUrl, model: 'm' })));
  assert.equal(error.kind, 'malformed-event');
  assert.match(error.message, /not JSON: data: \{"choices": \[oops$/);
});

test('an error reported inside the stream after the 200 becomes an error with its message', async () => {
  server.respondWith(async (_request, response) => {
    startEventStream(response);
    await writeSlowly(response, [
      answerEvents(['partial'])[1]!,
      `data: ${JSON.stringify({ error: { message: 'context length exceeded', type: 'BadRequestError', code: 400 } })}\n\n`,
    ]);
    response.end();
  });
  const error = await rejection(collect(createOpenAiEngine({ baseUrl: server.baseUrl, model: 'm' })));
  assert.equal(error.kind, 'server-error');
  assert.match(error.message, /mid-answer: context length exceeded/);

  // The same as a named `error` event with plain text; other named events are skipped.
  server.respondWith(async (_request, response) => {
    startEventStream(response);
    await writeSlowly(response, [answerEvents(['partial'])[1]!, 'event: ping\ndata: {}\n\n', 'event: error\ndata: model unloaded\n\n']);
    response.end();
  });
  const texts: string[] = [];
  const named = await rejection(
    (async () => {
      for await (const delta of createOpenAiEngine({ baseUrl: server.baseUrl, model: 'm' }).generate(question)) texts.push(delta.text);
    })(),
  );
  assert.deepEqual(texts, ['partial']);
  assert.equal(named.kind, 'server-error');
  assert.match(named.message, /mid-answer: model unloaded$/);
});

test('connection refused: a clear message naming the URL', async () => {
  const closed = http.createServer();
  closed.listen(0, '127.0.0.1');
  await once(closed, 'listening');
  const { port } = closed.address() as AddressInfo;
  closed.close();
  await once(closed, 'close');
  const error = await rejection(collect(createOpenAiEngine({ baseUrl: `http://127.0.0.1:${port}`, model: 'm' })));
  assert.equal(error.kind, 'unreachable');
  assert.equal(error.retryable, true);
  assert.equal(error.message, `Cannot reach the LLM server at http://127.0.0.1:${port}/v1/chat/completions: connection refused (is the server running, on that port?)`);
});

test('a silent server: an error after timeoutMs of silence, and the connection is closed', async () => {
  let closedByClient: Promise<unknown> | undefined;
  server.respondWith((_request, response) => {
    startEventStream(response);
    response.write(answerEvents(['a'])[0]);
    closedByClient = once(response, 'close');
  });
  const error = await rejection(collect(createOpenAiEngine({ baseUrl: server.baseUrl, model: 'm', timeoutMs: 300 })));
  assert.equal(error.kind, 'timeout');
  assert.match(error.message, /sent nothing for 300 ms/);
  await closedByClient;
});

test('abort mid-stream: the stream ends quietly and the server sees the connection close', async () => {
  let serverSawClose: Promise<boolean> | undefined;
  server.respondWith(async (_request, response) => {
    serverSawClose = once(response, 'close').then(() => response.writableEnded);
    startEventStream(response);
    await writeSlowly(response, answerEvents(['one', ' two']).slice(0, 3));
    // Then keeps "generating" slowly, as a model would, until the client goes away.
    for (let index = 0; index < 200 && !response.destroyed; index += 1) {
      await writeSlowly(response, [`data: ${completionChunk({ content: ' more' })}\n\n`], 50);
    }
    response.end();
  });
  const engine = createOpenAiEngine({ baseUrl: server.baseUrl, model: 'm' });
  const controller = new AbortController();
  const texts: string[] = [];
  for await (const delta of engine.generate({ ...question, signal: controller.signal })) {
    texts.push(delta.text);
    if (texts.length === 2) setTimeout(() => controller.abort(), 20);
  }
  assert.ok(texts.length >= 2 && texts.length < 10, `got ${texts.length} deltas`);
  assert.deepEqual(texts.slice(0, 2), ['one', ' two']);
  assert.ok(serverSawClose);
  assert.equal(await serverSawClose, false, 'the server saw the client close before it finished');
});

test('abort before the answer starts, and a consumer that stops reading early, also close the request', async () => {
  let closes = 0;
  server.respondWith(async (_request, response) => {
    response.on('close', () => (closes += response.writableEnded ? 0 : 1));
    await new Promise((resolve) => setTimeout(resolve, 100));
    if (response.destroyed) return;
    startEventStream(response);
    for (let index = 0; index < 100 && !response.destroyed; index += 1) {
      await writeSlowly(response, [`data: ${completionChunk({ content: 'x' })}\n\n`], 20);
    }
    response.end();
  });
  const engine = createOpenAiEngine({ baseUrl: server.baseUrl, model: 'm' });
  assert.deepEqual(await collect(engine, { ...question, signal: AbortSignal.timeout(30) }), []);
  for await (const delta of engine.generate(question)) {
    assert.equal(delta.text, 'x');
    break;
  }
  const deadline = Date.now() + 2000;
  while (closes < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(closes, 2);
  // An already aborted signal sends nothing at all.
  const requestsBefore = server.requests.length;
  assert.deepEqual(await collect(engine, { ...question, signal: AbortSignal.abort() }), []);
  assert.equal(server.requests.length, requestsBefore);
});

test('close() ends streams in flight quietly', async () => {
  server.respondWith(async (_request, response) => {
    startEventStream(response);
    for (let index = 0; index < 100 && !response.destroyed; index += 1) {
      await writeSlowly(response, [`data: ${completionChunk({ content: 'x' })}\n\n`], 20);
    }
    response.end();
  });
  const engine = createOpenAiEngine({ baseUrl: server.baseUrl, model: 'm' });
  let count = 0;
  for await (const _delta of engine.generate(question)) {
    count += 1;
    if (count === 2) void engine.close();
  }
  assert.ok(count >= 2 && count < 10);
});

test('the URL: a base with or without /v1; anything else is a configuration error', () => {
  assert.equal(chatCompletionsUrl('http://gpu-box:8000'), 'http://gpu-box:8000/v1/chat/completions');
  assert.equal(chatCompletionsUrl('http://gpu-box:8000/v1/'), 'http://gpu-box:8000/v1/chat/completions');
  assert.equal(chatCompletionsUrl('https://proxy.example/llm'), 'https://proxy.example/llm/v1/chat/completions');
  assert.throws(() => createOpenAiEngine({ baseUrl: 'gpu-box:8000', model: 'm' }), /must start with http/);
  assert.throws(() => createOpenAiEngine({ baseUrl: 'not a url', model: 'm' }), /"not a url" is not a URL/);
});
