/**
 * A local HTTP server that speaks the wav2lip worker's protocol (workers/wav2lip/README.md):
 * `GET /health`, `POST /portraits` (image bytes → `{id: sha256}`), `POST /render?portrait=ID`
 * (a 16 kHz WAV → length-prefixed frames of fMP4 segments, then an end frame). It has no GPU:
 * the segments it streams are the ones the test gives it. `behaviour` picks how a render goes:
 * normal, busy, or held open until the test releases it. Faults the real worker can produce
 * (a forgotten portrait, dying mid-stream) are tested on it: tests/avatar/wav2lip-worker.test.ts.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { once } from 'node:events';
import { encodeRenderFrame } from '../../src/avatar/wav2lip/render-frames.js';
import { readWav } from '../../src/stt/vad/read-wav.js';

export interface RenderRequest {
  portrait: string;
  sampleRate: number;
  samples: number;
}

export interface FakeWav2lipBehaviour {
  /** Wait for this before writing anything after the headers (to keep a request in flight). */
  hold?: Promise<void>;
  /** Answer /render with 503 (busy). */
  busy?: boolean;
}

export interface FakeWav2lipWorker {
  url: string;
  uploads: string[];
  renders: RenderRequest[];
  /** The `busy` its health answer reports. */
  reportedBusy: number;
  behaviour: FakeWav2lipBehaviour;
  close(): Promise<void>;
}

export async function startFakeWav2lipWorker(segments: readonly Uint8Array[]): Promise<FakeWav2lipWorker> {
  const portraits = new Set<string>();
  const worker: Omit<FakeWav2lipWorker, 'url' | 'close'> = {
    uploads: [],
    renders: [],
    reportedBusy: 0,
    behaviour: {},
  };
  const json = (res: http.ServerResponse, status: number, body: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://worker');
    const parts: Buffer[] = [];
    req.on('data', (data: Buffer) => parts.push(data));
    req.on('end', () => {
      const body = Buffer.concat(parts);
      if (req.method === 'GET' && url.pathname === '/health') {
        json(res, 200, { status: 'ok', engine: 'wav2lip', device: 'cuda', busy: worker.reportedBusy });
        return;
      }
      if (req.method === 'POST' && url.pathname === '/portraits') {
        const type = req.headers['content-type'];
        if (type !== 'image/png' && type !== 'image/jpeg') {
          json(res, 415, { error: `portrait must be image/png or image/jpeg, got ${type}` });
          return;
        }
        const id = createHash('sha256').update(body).digest('hex');
        const cached = portraits.has(id);
        portraits.add(id);
        worker.uploads.push(id);
        json(res, 200, { id, cached, face: { x: 160, y: 80, width: 190, height: 240 } });
        return;
      }
      if (req.method === 'POST' && url.pathname === '/render') {
        const portrait = url.searchParams.get('portrait') ?? '';
        if (worker.behaviour.busy) {
          json(res, 503, { error: 'busy' });
          return;
        }
        if (!portraits.has(portrait)) {
          json(res, 404, { error: `unknown portrait "${portrait}": upload it to /portraits first` });
          return;
        }
        let audio: ReturnType<typeof readWav>;
        try {
          audio = readWav(body, 'the request body');
        } catch (error) {
          json(res, 400, { error: (error as Error).message });
          return;
        }
        if (audio.sampleRate !== 16000) {
          json(res, 400, { error: `audio must be 16000 Hz, got ${audio.sampleRate}` });
          return;
        }
        worker.renders.push({ portrait, sampleRate: audio.sampleRate, samples: audio.samples.length });
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'x-segment-mime-type': 'video/mp4; codecs="avc1.42C01E, mp4a.40.2"' });
        res.flushHeaders();
        void (async () => {
          await worker.behaviour.hold;
          let sent = 0;
          for (const segment of segments) {
            res.write(encodeRenderFrame('segment', segment));
            sent += 1;
            await new Promise((resolve) => setTimeout(resolve, 5));
          }
          res.end(encodeRenderFrame('end', JSON.stringify({ segments: sent, seconds: audio.samples.length / audio.sampleRate })));
        })();
        return;
      }
      json(res, 404, { error: 'not found' });
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return Object.assign(worker, {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}
