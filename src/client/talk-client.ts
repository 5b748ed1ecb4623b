/**
 * A Node client for `/v1/talk`: what the widget does in a browser, for the demo check, the
 * latency bench and the end-to-end tests. Events and audio frames are recorded in arrival
 * order; `waitFor` resolves on the first matching event (or rejects after a timeout naming
 * what it waited for and what did arrive).
 */
import WebSocket from 'ws';
import { decodeAudioFrame, type ClientMessage, type ServerEvent } from '../events.js';

export type Received = { kind: 'event'; event: ServerEvent; at: number } | { kind: 'audio'; turn: number; pcm: Int16Array; at: number };

export interface TalkClient {
  readonly received: readonly Received[];
  readonly events: readonly ServerEvent[];
  send(message: ClientMessage | string): void;
  sendAudio(pcm: Int16Array): void;
  /** Streams 16 kHz PCM in 20 ms frames at real-time pace (as a microphone would). */
  streamRealTime(pcm: Int16Array, options?: { frameMs?: number; signal?: AbortSignal }): Promise<void>;
  waitFor<T extends ServerEvent['type']>(type: T, predicate?: (event: Extract<ServerEvent, { type: T }>) => boolean, timeoutMs?: number): Promise<Extract<ServerEvent, { type: T }>>;
  audioOf(turn: number): Int16Array;
  close(): Promise<void>;
  readonly closed: Promise<{ code: number; reason: string }>;
}

export function connectTalk(url: string, credentials: { token?: string; headers?: Record<string, string> } = {}): Promise<TalkClient> {
  const address = new URL(url);
  if (credentials.token) address.searchParams.set('token', credentials.token);
  const socket = new WebSocket(address, { headers: credentials.headers });
  const received: Received[] = [];
  const waiters = new Set<() => void>();
  const closed = new Promise<{ code: number; reason: string }>((resolve) => socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));

  socket.on('message', (data: Buffer, isBinary: boolean) => {
    const at = performance.now();
    if (isBinary) {
      const { turn, pcm } = decodeAudioFrame(data);
      received.push({ kind: 'audio', turn, pcm, at });
    } else {
      received.push({ kind: 'event', event: JSON.parse(data.toString('utf8')) as ServerEvent, at });
    }
    for (const wake of [...waiters]) wake();
  });
  socket.on('close', () => {
    for (const wake of [...waiters]) wake();
  });

  const client: TalkClient = {
    received,
    get events() {
      return received.flatMap((item) => (item.kind === 'event' ? [item.event] : []));
    },
    closed,
    send(message) {
      socket.send(typeof message === 'string' ? message : JSON.stringify(message));
    },
    sendAudio(pcm) {
      socket.send(Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength));
    },
    async streamRealTime(pcm, options = {}) {
      const frame = Math.round(16 * (options.frameMs ?? 20));
      const started = performance.now();
      for (let offset = 0, index = 0; offset < pcm.length; offset += frame, index++) {
        if (options.signal?.aborted || socket.readyState !== WebSocket.OPEN) return;
        client.sendAudio(pcm.subarray(offset, offset + frame));
        const due = started + (index + 1) * (options.frameMs ?? 20);
        const wait = due - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      }
    },
    waitFor(type, predicate, timeoutMs = 30_000) {
      type Wanted = Extract<ServerEvent, { type: typeof type }>;
      const find = (): Wanted | undefined =>
        client.events.find((event): event is Wanted => event.type === type && (!predicate || predicate(event as Wanted)));
      return new Promise((resolve, reject) => {
        const check = (): void => {
          const found = find();
          if (found) {
            done();
            resolve(found);
          } else if (socket.readyState === WebSocket.CLOSED) {
            done();
            reject(new Error(`the connection closed before a "${type}" event; received: ${summary()}`));
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`no "${type}" event within ${timeoutMs} ms; received: ${summary()}`));
        }, timeoutMs);
        const done = (): void => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    audioOf(turn) {
      const frames = received.flatMap((item) => (item.kind === 'audio' && item.turn === turn ? [item.pcm] : []));
      const joined = new Int16Array(frames.reduce((sum, frame) => sum + frame.length, 0));
      let offset = 0;
      for (const frame of frames) {
        joined.set(frame, offset);
        offset += frame.length;
      }
      return joined;
    },
    async close() {
      if (socket.readyState === WebSocket.OPEN || socket.readyState === WebSocket.CONNECTING) socket.close(1000);
      await closed;
    },
  };

  function summary(): string {
    const events = client.events.map((event) => (event.type === 'error' ? `error(${event.code}: ${event.message})` : event.type));
    const audio = received.filter((item) => item.kind === 'audio').length;
    return `${events.join(', ') || 'no events'}${audio ? `, ${audio} audio frames` : ''}`;
  }

  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve(client));
    socket.once('unexpected-response', (_request, response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      response.on('end', () => reject(Object.assign(new Error(`the server refused the WebSocket: HTTP ${response.statusCode} ${body.slice(0, 300)}`), { statusCode: response.statusCode })));
    });
    socket.once('error', reject);
  });
}
