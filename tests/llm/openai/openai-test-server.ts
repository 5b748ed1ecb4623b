/**
 * A real HTTP server on 127.0.0.1 that speaks the OpenAI streaming chat protocol as vLLM
 * and llama-server do: `Content-Type: text/event-stream`, chunked, a role delta first,
 * content deltas, a finish_reason chunk, then `data: [DONE]`. Each test sets how it answers
 * and reads back the requests it received.
 */
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: Record<string, unknown>;
}

export type Responder = (request: ReceivedRequest, response: http.ServerResponse) => void | Promise<void>;

export interface OpenAiTestServer {
  readonly baseUrl: string;
  readonly requests: ReceivedRequest[];
  respondWith(responder: Responder): void;
  close(): Promise<void>;
}

export async function startOpenAiTestServer(): Promise<OpenAiTestServer> {
  const requests: ReceivedRequest[] = [];
  let responder: Responder = (_request, response) => streamAnswer(response, ['Hello']);
  const server = http.createServer((request, response) => {
    const parts: Buffer[] = [];
    request.on('data', (part: Buffer) => parts.push(part));
    request.on('end', () => {
      const received: ReceivedRequest = {
        method: request.method ?? '',
        url: request.url ?? '',
        headers: request.headers,
        body: JSON.parse(Buffer.concat(parts).toString('utf8')) as Record<string, unknown>,
      };
      requests.push(received);
      void Promise.resolve(responder(received, response)).catch((error: unknown) => {
        response.destroy(error instanceof Error ? error : new Error(String(error)));
      });
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    respondWith(next) {
      responder = next;
    },
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

export function startEventStream(response: http.ServerResponse): void {
  response.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive' });
  response.flushHeaders();
}

/** One `chat.completion.chunk` as vLLM sends it. */
export function completionChunk(delta: Record<string, unknown>, finishReason: string | null = null): string {
  return JSON.stringify({
    id: 'chatcmpl-test',
    object: 'chat.completion.chunk',
    created: 1_700_000_000,
    model: 'test-model',
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
  });
}

/** The whole protocol in one go: role delta, one event per piece, finish_reason, [DONE]. */
export function answerEvents(pieces: readonly string[]): string[] {
  return [
    `data: ${completionChunk({ role: 'assistant', content: '' })}\n\n`,
    ...pieces.map((piece) => `data: ${completionChunk({ content: piece })}\n\n`),
    `data: ${completionChunk({}, 'stop')}\n\n`,
    'data: [DONE]\n\n',
  ];
}

/** Writes each string as its own chunk, pausing so each leaves as its own TCP segment. */
export async function writeSlowly(response: http.ServerResponse, pieces: readonly (string | Buffer)[], pauseMs = 15): Promise<void> {
  for (const piece of pieces) {
    response.write(piece);
    await new Promise((resolve) => setTimeout(resolve, pauseMs));
  }
}

export async function streamAnswer(response: http.ServerResponse, pieces: readonly string[]): Promise<void> {
  startEventStream(response);
  await writeSlowly(response, answerEvents(pieces), 2);
  response.end();
}

export function sendJsonError(response: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}
