/**
 * The one error class of the OpenAI-compatible engine. `kind` says what went wrong in
 * detail; `code` maps it onto the shared codes of `src/errors.ts`. Every message names
 * the URL that was asked, since the usual fix is on that server, not in this process.
 */
import { PersonaError, type PersonaErrorCode } from '../../errors.js';

export type OpenAiEngineErrorKind =
  /** No connection: refused, unknown host, reset before any answer. */
  | 'unreachable'
  /** The server answered with an HTTP error status. */
  | 'http-status'
  /** The event stream ended (or the socket closed) before `data: [DONE]`. */
  | 'stream-cut'
  /** A `data:` line that is not the JSON of a chat completion chunk. */
  | 'malformed-event'
  /** The server reported an error inside the event stream. */
  | 'server-error'
  /** The server stayed silent for longer than `timeoutMs`. */
  | 'timeout';

export interface OpenAiEngineErrorOptions {
  url: string;
  status?: number;
  retryable?: boolean;
  /** From a `Retry-After` header (429, 503). */
  retryAfterMs?: number;
  cause?: unknown;
}

export class OpenAiEngineError extends PersonaError {
  readonly kind: OpenAiEngineErrorKind;
  readonly url: string;
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(kind: OpenAiEngineErrorKind, message: string, options: OpenAiEngineErrorOptions) {
    super(codeFor(kind, options.status), message, {
      cause: options.cause,
      retryable: options.retryable ?? defaultRetryable(kind, options.status),
    });
    this.name = 'OpenAiEngineError';
    this.kind = kind;
    this.url = options.url;
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
  }
}

function codeFor(kind: OpenAiEngineErrorKind, status: number | undefined): PersonaErrorCode {
  if (kind !== 'http-status' || status === undefined) return 'service-unavailable';
  if (status === 401 || status === 403) return 'config-invalid';
  if (status === 404) return 'not-found';
  if (status === 429 || status >= 500) return 'service-unavailable';
  return 'input-unsupported';
}

/**
 * Worth trying again: a server that is busy (429), failing (5xx), not up yet, or died
 * mid-answer. A 4xx other than 429, or a stream we cannot parse, will fail the same way again.
 */
function defaultRetryable(kind: OpenAiEngineErrorKind, status: number | undefined): boolean {
  switch (kind) {
    case 'unreachable':
    case 'stream-cut':
    case 'timeout':
      return true;
    case 'http-status':
      return status !== undefined && (status === 429 || status >= 500);
    default:
      return false;
  }
}

/**
 * The human part of an error body, in the shapes the servers use: OpenAI and llama-server
 * `{error: {message}}`, vLLM `{object: "error", message}`, FastAPI `{detail}`, or plain text.
 */
export function serverErrorMessage(body: string): string {
  const text = body.trim();
  try {
    const json = JSON.parse(text) as unknown;
    const found = messageIn(json);
    if (found) return found;
  } catch {
    // Not JSON: the text itself is the message.
  }
  return text.length > 500 ? `${text.slice(0, 500)}…` : text;
}

function messageIn(json: unknown): string | undefined {
  if (typeof json === 'string') return json || undefined;
  if (!json || typeof json !== 'object') return undefined;
  const record = json as Record<string, unknown>;
  for (const key of ['error', 'message', 'detail'] as const) {
    const value = record[key];
    if (typeof value === 'string' && value) return value;
    if (Array.isArray(value)) return value.map((entry) => messageIn(entry) ?? JSON.stringify(entry)).join('; ');
    if (value && typeof value === 'object') {
      const nested = messageIn(value);
      if (nested) return nested;
    }
  }
  // FastAPI validation entries carry their text in `msg`.
  return typeof record.msg === 'string' ? record.msg : undefined;
}

/** `Retry-After` is seconds or an HTTP date. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
