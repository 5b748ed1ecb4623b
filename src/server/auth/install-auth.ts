/**
 * Credentials for the server: `/v1/*` and `/metrics` need an API key or a session token,
 * everything else (`/healthz`, the widget's static files) is public. Also serves
 * `POST /v1/tokens`, where a host app's backend trades its API key for a browser token.
 *
 * Call it before registering any plugin or route: fastify copies the root's hooks into a
 * plugin when the plugin is registered, so routes registered earlier would be left open.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { findApiKey, looksLikeApiKey, verifyApiKey } from '../../store/api-key-repository.js';
import type { SqliteDatabase } from '../../store/open-database.js';
import { findPersona } from '../../store/persona-repository.js';
import type { RequestAuth } from './request-auth.js';
import { createSessionTokens, maximumSessionTokenSeconds, sessionTokenMarker, type SessionTokens } from './session-token.js';
import { readOrCreateTokenSecret } from './token-secret.js';

export interface AuthOptions {
  store: { readonly database: SqliteDatabase };
  /** PERSONA_HOME: the token secret lives in `keys/token.key` under it. */
  home: string;
  /** Milliseconds since the epoch; tests pass their own clock to expire tokens. */
  now?: () => number;
}

type AuthFailure = { ok: false; message: string };
type Authentication = { ok: true; auth: RequestAuth } | AuthFailure;

interface PresentedCredential {
  value: string;
  /** Where it came from, for messages: never the value itself. */
  source: string;
}

const tokenRequestSchema = z.strictObject({
  persona: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/i, 'a persona id: letters, digits, "-" and "_" only').optional(),
  ttlSeconds: z.number().int('a whole number of seconds').min(1).max(maximumSessionTokenSeconds, `at most ${maximumSessionTokenSeconds} (24 hours)`).optional(),
});

export function installAuth(app: FastifyInstance, options: AuthOptions): void {
  const { database } = options.store;
  const now = options.now ?? Date.now;
  const tokens = createSessionTokens({ secret: readOrCreateTokenSecret(options.home), now });

  app.decorateRequest('auth', undefined);

  // WebSocket upgrades pass through here too (@fastify/websocket routes them through fastify),
  // so a refused upgrade is answered with this same 401 before any socket is accepted.
  app.addHook('onRequest', async (request, reply) => {
    if (!requiresCredentials(request)) return;
    const result = authenticate(request, { database, tokens, now });
    if (!result.ok) {
      if (request.headers.upgrade !== undefined) closeAfterReply(reply);
      return reply.code(401).header('www-authenticate', 'Bearer realm="persona"').send(errorBody('unauthorized', result.message));
    }
    request.auth = result.auth;
  });

  app.post('/v1/tokens', { errorHandler: answerBodyErrors }, async (request, reply) => {
    const auth = request.auth;
    if (auth?.kind !== 'api-key') {
      return reply.code(403).send(errorBody('forbidden', 'Session tokens are minted with an API key only; call POST /v1/tokens from your backend with its API key'));
    }
    const parsed = tokenRequestSchema.safeParse(request.body ?? {});
    if (!parsed.success) {
      const problems = parsed.error.issues.map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message));
      return reply.code(400).send(errorBody('invalid-request', `Invalid token request body: ${problems.join('; ')}`));
    }
    const { persona, ttlSeconds } = parsed.data;
    if (persona !== undefined && !findPersona(database, persona)) {
      return reply.code(400).send(errorBody('invalid-request', `Invalid token request body: persona "${persona}" does not exist in this store`));
    }
    const minted = tokens.mint({ keyId: auth.keyId, ...(persona === undefined ? {} : { persona }), ...(ttlSeconds === undefined ? {} : { ttlSeconds }) });
    return { token: minted.token, expiresAt: minted.expiresAt.toISOString() };
  });
}

export function errorBody(code: string, message: string): { error: { code: string; message: string } } {
  return { error: { code, message } };
}

function requiresCredentials(request: FastifyRequest): boolean {
  // Browsers send a CORS preflight without credentials, by specification: refusing it would refuse every cross-origin call.
  if (request.method === 'OPTIONS' && request.headers['access-control-request-method'] !== undefined) return false;
  // The matched route as well as the raw path: a path the router decodes or normalises
  // (percent-encoding, a trailing slash) still lands on a protected route.
  return isProtectedPath(request.url.split('?')[0] ?? '') || isProtectedPath(request.routeOptions.url ?? '');
}

function isProtectedPath(path: string): boolean {
  return path === '/v1' || path.startsWith('/v1/') || path === '/metrics' || path.startsWith('/metrics/');
}

function authenticate(request: FastifyRequest, context: { database: SqliteDatabase; tokens: SessionTokens; now: () => number }): Authentication {
  const presented = presentedCredential(request);
  if (!presented.ok) return presented;
  const { value, source } = presented.credential;

  if (looksLikeApiKey(value)) {
    const verification = verifyApiKey(context.database, value, { now: new Date(context.now()) });
    if (verification.ok) return { ok: true, auth: { keyId: verification.record.id, kind: 'api-key' } };
    const why = { malformed: 'is malformed (an API key is pk_ and 43 more characters)', unknown: 'is not a key of this server', revoked: 'has been revoked' };
    return { ok: false, message: `The API key in the ${source} ${why[verification.reason]}` };
  }

  if (value.startsWith(sessionTokenMarker)) {
    const verification = context.tokens.verify(value);
    if (!verification.ok) {
      if (verification.reason === 'expired') {
        return { ok: false, message: `The session token in the ${source} expired at ${verification.expiresAt.toISOString()}; ask your backend for a new one` };
      }
      const why = { malformed: 'is malformed', 'bad-signature': 'has an invalid signature (altered, or signed by another server)' };
      return { ok: false, message: `The session token in the ${source} ${why[verification.reason]}` };
    }
    const { keyId, persona } = verification.claims;
    const key = findApiKey(context.database, keyId);
    if (!key) return { ok: false, message: `The session token in the ${source} was minted with an API key this server does not have` };
    if (key.revokedAt) return { ok: false, message: `The session token in the ${source} was minted with an API key that has since been revoked` };
    return { ok: true, auth: { keyId, kind: 'session-token', ...(persona === undefined ? {} : { persona }) } };
  }

  return { ok: false, message: `The credential in the ${source} is neither an API key (pk_…) nor a session token (pst_…)` };
}

function presentedCredential(request: FastifyRequest): { ok: true; credential: PresentedCredential } | AuthFailure {
  const authorization = request.headers.authorization;
  if (authorization !== undefined) {
    const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization);
    if (!match) {
      return { ok: false, message: 'The Authorization header must be "Bearer <API key or session token>"' };
    }
    return { ok: true, credential: { value: match[1]!, source: 'Authorization header' } };
  }

  const headerKey = request.headers['x-api-key'];
  if (headerKey !== undefined) {
    if (Array.isArray(headerKey)) return { ok: false, message: 'The x-api-key header is given more than once' };
    return { ok: true, credential: { value: headerKey.trim(), source: 'x-api-key header' } };
  }

  const query = (request.query ?? {}) as Record<string, unknown>;
  for (const name of ['token', 'key']) {
    const value = query[name];
    if (value === undefined) continue;
    if (typeof value !== 'string') return { ok: false, message: `The ${name} query parameter is given more than once` };
    return { ok: true, credential: { value, source: `${name} query parameter` } };
  }

  return {
    ok: false,
    message: 'No credentials: send "Authorization: Bearer <API key or session token>", an "x-api-key" header, or ?token= (or ?key=) in the URL',
  };
}

/**
 * An upgrade request's socket belongs to no HTTP connection any more: after the refusal
 * nobody would close it, and it would hold `app.close()` open. @fastify/websocket closes it
 * only when its own hook ran first, which depends on the order the two were installed.
 */
function closeAfterReply(reply: FastifyReply): void {
  reply.header('connection', 'close');
  reply.raw.once('finish', () => {
    const socket = reply.raw.socket;
    socket?.end(() => socket.destroy());
  });
}

/** Bad JSON or a wrong content type gets the same error shape as every other refusal here. */
function answerBodyErrors(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const status = error.statusCode ?? 500;
  if (status >= 500) throw error;
  const code = status === 415 ? 'unsupported-media-type' : status === 413 ? 'payload-too-large' : 'invalid-request';
  return reply.code(status).send(errorBody(code, `Invalid token request: ${error.message}`));
}
