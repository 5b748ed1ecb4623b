/**
 * The server's browsing API (src/server/routes/personas-route.ts) as the app calls it: the
 * session token as a Bearer header, and every failure turned into an ApiError whose message
 * a person can act on.
 */
// The server's own types: type-only, so nothing of src/ reaches the bundle.
import type { ConversationSummary, PersonaSummary } from '../../src/store/conversation-listing.js';

export type { ConversationSummary, PersonaSummary };

export interface SourceReference {
  id?: string;
  label?: string;
  source?: string;
  page?: number;
  date?: string;
}

export interface ConversationTurn {
  role: 'user' | 'persona' | 'system';
  text: string;
  createdAt: string;
  sources: SourceReference[];
  adapterId?: string;
}

export interface ConversationDetail {
  id: string;
  persona: string;
  startedAt: string;
  endedAt?: string;
  turns: ConversationTurn[];
}

/** `status` 0 means no answer came (offline, server down). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** The token is missing, bad or expired: only a new one helps. */
  get needsNewToken(): boolean {
    return this.status === 401;
  }
}

export interface ApiClient {
  personas(signal: AbortSignal): Promise<PersonaSummary[]>;
  conversations(persona: string, limit: number, signal: AbortSignal): Promise<ConversationSummary[]>;
  conversation(id: string, signal: AbortSignal): Promise<ConversationDetail>;
}

export function createApiClient(options: { server: string; token: string }): ApiClient {
  async function get<T>(path: string, signal: AbortSignal): Promise<T> {
    let response: Response;
    try {
      response = await fetch(new URL(path, options.server), {
        headers: { authorization: `Bearer ${options.token}`, accept: 'application/json' },
        // The service worker never caches the API; neither should the HTTP cache.
        cache: 'no-store',
        signal,
      });
    } catch (error) {
      if (signal.aborted) throw error;
      throw new ApiError(0, 'unreachable', `Cannot reach the server at ${new URL(options.server).origin}: check the connection, then try again.`);
    }
    if (!response.ok) throw await errorOf(response, path);
    return (await response.json()) as T;
  }

  return {
    async personas(signal) {
      return (await get<{ personas: PersonaSummary[] }>('/v1/personas', signal)).personas;
    },
    async conversations(persona, limit, signal) {
      const query = new URLSearchParams({ persona, limit: String(limit) });
      return (await get<{ conversations: ConversationSummary[] }>(`/v1/conversations?${query}`, signal)).conversations;
    },
    conversation(id, signal) {
      return get<ConversationDetail>(`/v1/conversations/${encodeURIComponent(id)}`, signal);
    },
  };
}

/** The server answers `{error: {code, message}}`; anything else (a proxy's page) still gets a readable message. */
async function errorOf(response: Response, path: string): Promise<ApiError> {
  let code = 'http-error';
  let message = `The server answered ${response.status} ${response.statusText} to ${path.split('?')[0]}`;
  try {
    const body = (await response.json()) as { error?: { code?: unknown; message?: unknown } };
    if (typeof body.error?.code === 'string') code = body.error.code;
    if (typeof body.error?.message === 'string') message = body.error.message;
  } catch {
    // Not JSON: keep the status line.
  }
  return new ApiError(response.status, code, message);
}
