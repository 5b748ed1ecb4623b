/**
 * The WebSocket to `/v1/talk`: opens it, starts the session on every open (a reconnect is
 * a new server session), and reconnects with back-off when it is lost. A refused upgrade
 * (a bad or expired token answers HTTP 401) looks, from a browser, exactly like a network
 * failure, so a public `/healthz` probe tells the two apart for the message.
 */
import type { ClientMessage, ServerEvent } from '../../src/events.js';
import { reconnectDelayMs } from './reconnect-delay.js';
import { WidgetError } from './widget-error.js';

export type ConnectionStatus = 'connecting' | 'connected' | 'reconnecting' | 'closed';

export interface TalkConnectionOptions {
  /** `ws(s)://…/v1/talk?token=…` */
  url: string;
  /** The server's `/healthz`, probed after a failed upgrade. */
  healthUrl: string;
  sessionStart(): Extract<ClientMessage, { type: 'session-start' }>;
  onStatus(status: ConnectionStatus, detail: { retryInMs?: number; error?: WidgetError }): void;
  /** A socket opened: a fresh server session, whose turn ids start again. */
  onOpen(): void;
  onEvent(event: ServerEvent): void;
  onAudio(frame: ArrayBuffer): void;
}

export interface TalkConnection {
  readonly status: ConnectionStatus;
  send(message: ClientMessage): boolean;
  sendAudio(pcm: Int16Array<ArrayBuffer>): boolean;
  /** Drops the current socket (if any) and connects again at once. */
  reconnect(): void;
  close(): void;
}

export function createTalkConnection(options: TalkConnectionOptions): TalkConnection {
  let status: ConnectionStatus = 'connecting';
  let socket: WebSocket | undefined;
  let attempt = 0;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;

  const setStatus = (next: ConnectionStatus, detail: { retryInMs?: number; error?: WidgetError } = {}): void => {
    status = next;
    options.onStatus(next, detail);
  };

  function open(): void {
    if (closed) return;
    setStatus(attempt === 0 && status !== 'reconnecting' ? 'connecting' : 'reconnecting');
    let current: WebSocket;
    try {
      current = new WebSocket(options.url);
    } catch (error) {
      // A malformed URL: retrying cannot help.
      setStatus('closed', { error: new WidgetError('invalid-attribute', `The server address "${options.url}" is not a WebSocket URL`, { cause: error }) });
      return;
    }
    current.binaryType = 'arraybuffer';
    socket = current;
    let opened = false;
    current.onopen = () => {
      if (socket !== current) return;
      opened = true;
      setStatus('connected');
      current.send(JSON.stringify(options.sessionStart()));
      options.onOpen();
    };
    current.onmessage = (message: MessageEvent<string | ArrayBuffer>) => {
      if (socket !== current) return;
      if (typeof message.data !== 'string') {
        options.onAudio(message.data);
        return;
      }
      let event: ServerEvent;
      try {
        event = JSON.parse(message.data) as ServerEvent;
      } catch {
        return;
      }
      // Back-off starts over only once a session really works, so a server that accepts and
      // then drops every socket is not hammered.
      if (event.type === 'session-ready') attempt = 0;
      options.onEvent(event);
    };
    current.onclose = (close: CloseEvent) => {
      if (socket !== current) return;
      socket = undefined;
      if (closed) return;
      void lost(opened, close);
    };
  }

  async function lost(opened: boolean, close: CloseEvent): Promise<void> {
    const delay = reconnectDelayMs(attempt++);
    let error: WidgetError;
    if (opened) {
      error = new WidgetError('connection-lost', `Connection lost${close.reason ? ` (${close.reason})` : ''} — reconnecting`, { retryable: true });
    } else if (await reachable(options.healthUrl)) {
      error = new WidgetError('connection-refused', 'The server refused the connection — the session token may be invalid or expired', { retryable: true });
    } else {
      error = new WidgetError('server-unreachable', `Cannot reach the server at ${new URL(options.healthUrl).origin}`, { retryable: true });
    }
    if (closed || socket) return;
    setStatus('reconnecting', { retryInMs: delay, error });
    clearTimeout(retryTimer);
    retryTimer = setTimeout(open, delay);
  }

  open();
  return {
    get status() {
      return status;
    },
    send(message) {
      if (socket?.readyState !== WebSocket.OPEN) return false;
      socket.send(JSON.stringify(message));
      return true;
    },
    sendAudio(pcm) {
      if (socket?.readyState !== WebSocket.OPEN) return false;
      socket.send(pcm);
      return true;
    },
    reconnect() {
      if (closed) return;
      clearTimeout(retryTimer);
      const previous = socket;
      socket = undefined;
      previous?.close(1000, 'reconnecting');
      attempt = 0;
      status = 'connecting';
      open();
    },
    close() {
      if (closed) return;
      closed = true;
      clearTimeout(retryTimer);
      const previous = socket;
      socket = undefined;
      if (previous?.readyState === WebSocket.OPEN) previous.send(JSON.stringify({ type: 'session-end' } satisfies ClientMessage));
      previous?.close(1000, 'widget closed');
      setStatus('closed');
    },
  };
}

/** Whether the server answers at all; an opaque (no-cors) answer counts, a network error does not. */
async function reachable(url: string): Promise<boolean> {
  try {
    await fetch(url, { mode: 'no-cors', cache: 'no-store', signal: AbortSignal.timeout(3000) });
    return true;
  } catch {
    return false;
  }
}
