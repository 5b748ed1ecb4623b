/**
 * A local HTTP server that speaks the XTTS worker's protocol (workers/xtts/README.md): health
 * JSON, chunked PCM16 LE with X-Sample-Rate, JSON errors. `onStream` answers POST /tts/stream.
 * Worker errors (404, 403, a dying process) are tested against the real worker instead
 * (tests/tts/xtts/xtts-worker.test.ts).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { once } from 'node:events';

export interface StreamRequest {
  body: { text: string; voice: string; language: string; sample_rate: number };
  res: http.ServerResponse;
  req: http.IncomingMessage;
}

export interface FakeWorker {
  url: string;
  requests: StreamRequest[];
  close(): Promise<void>;
}

export async function startFakeXttsWorker(onStream: (r: StreamRequest) => void | Promise<void>): Promise<FakeWorker> {
  const requests: StreamRequest[] = [];
  const server = http.createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/health') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: 'ok', model: 'xtts_v2', device: 'cuda', busy: 0 }));
      return;
    }
    if (req.method === 'POST' && req.url === '/tts/stream') {
      const parts: Buffer[] = [];
      req.on('data', (d: Buffer) => parts.push(d));
      req.on('end', () => {
        const body = JSON.parse(Buffer.concat(parts).toString('utf8')) as StreamRequest['body'];
        const r = { body, req, res };
        requests.push(r);
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'x-sample-rate': '24000' });
        void onStream(r);
      });
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: 'not found' }));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

