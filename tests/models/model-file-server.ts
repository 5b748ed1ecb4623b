/**
 * A local HTTP file server for download tests: serves files with Range support, and can
 * be told to cut the next transfer of a file after N body bytes (socket destroyed), to
 * stall it (bytes stop, socket stays open), or to ignore Range headers like some servers do.
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ServedRequest {
  path: string;
  range: string | undefined;
  status: number;
}

export interface ModelFileServer {
  baseUrl: string;
  /** Path → contents; change it to simulate a file changed on the server. */
  files: Map<string, Buffer>;
  requests: ServedRequest[];
  cutNext(path: string, afterBytes: number): void;
  stallNext(path: string, afterBytes: number): void;
  /** Answer range requests with 200 and the whole file. */
  ignoreRanges: boolean;
  close(): Promise<void>;
}

type Trouble = { kind: 'cut' | 'stall'; afterBytes: number };

export async function startModelFileServer(files: Record<string, Buffer>): Promise<ModelFileServer> {
  const troubles = new Map<string, Trouble>();
  const served: ModelFileServer = {
    baseUrl: '',
    files: new Map(Object.entries(files)),
    requests: [],
    cutNext: (path, afterBytes) => troubles.set(path, { kind: 'cut', afterBytes }),
    stallNext: (path, afterBytes) => troubles.set(path, { kind: 'stall', afterBytes }),
    ignoreRanges: false,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    const range = request.headers.range;
    const file = served.files.get(path);
    const record = (status: number): void => {
      served.requests.push({ path, range, status });
    };
    if (!file) {
      record(404);
      response.writeHead(404).end('not found');
      return;
    }
    let start = 0;
    const match = /^bytes=(\d+)-$/.exec(range ?? '');
    if (match && !served.ignoreRanges) {
      start = Number(match[1]);
      if (start >= file.length) {
        record(416);
        response.writeHead(416, { 'content-range': `bytes */${file.length}` }).end();
        return;
      }
      record(206);
      response.writeHead(206, {
        'content-range': `bytes ${start}-${file.length - 1}/${file.length}`,
        'content-length': file.length - start,
        'accept-ranges': 'bytes',
      });
    } else {
      record(200);
      response.writeHead(200, { 'content-length': file.length, 'accept-ranges': 'bytes' });
    }
    const body = file.subarray(start);
    const trouble = troubles.get(path);
    troubles.delete(path);
    if (trouble) misbehave(response, body, trouble);
    else response.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  served.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return served;
}

function misbehave(response: ServerResponse, body: Buffer, trouble: Trouble): void {
  response.write(body.subarray(0, trouble.afterBytes));
  if (trouble.kind === 'stall') return;
  // A pause first: the client must have taken the bytes in before the connection dies,
  // or the stream's error could discard them and the test would not know how much arrived.
  setTimeout(() => response.socket?.destroy(), 200);
}
