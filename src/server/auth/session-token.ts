/**
 * Short-lived session tokens for browsers, which must not hold an API key. Stateless:
 * `pst_` + base64url(JSON claims) + `.` + base64url(HMAC-SHA256 of everything before the
 * dot), signed with the server's secret. Whoever checks a token must still check that
 * its API key has not been revoked since: the token cannot know.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { PersonaError } from '../../errors.js';

export const sessionTokenMarker = 'pst_';
export const defaultSessionTokenSeconds = 15 * 60;
export const maximumSessionTokenSeconds = 24 * 60 * 60;

/** Far longer than any real token; stops a huge header from being hashed. */
const maximumTokenLength = 2048;

export interface SessionTokenClaims {
  /** The API key that minted the token. */
  keyId: string;
  /** When set, the token may only talk to this persona. */
  persona?: string;
  /** Milliseconds since the epoch. */
  expiresAt: number;
}

export interface MintedSessionToken {
  token: string;
  expiresAt: Date;
}

export type SessionTokenVerification =
  | { ok: true; claims: SessionTokenClaims }
  | { ok: false; reason: 'malformed' | 'bad-signature' }
  | { ok: false; reason: 'expired'; expiresAt: Date };

export interface SessionTokens {
  mint(request: { keyId: string; persona?: string; ttlSeconds?: number }): MintedSessionToken;
  verify(token: string): SessionTokenVerification;
}

export interface SessionTokenOptions {
  secret: Buffer;
  /** Milliseconds since the epoch; tests pass their own clock. */
  now?: () => number;
}

export function createSessionTokens(options: SessionTokenOptions): SessionTokens {
  const { secret } = options;
  const now = options.now ?? Date.now;
  if (secret.length < 32) throw new PersonaError('config-invalid', `The session token secret must be at least 32 bytes; it is ${secret.length}`);
  const sign = (signedPart: string): Buffer => createHmac('sha256', secret).update(signedPart, 'utf8').digest();

  return {
    mint({ keyId, persona, ttlSeconds = defaultSessionTokenSeconds }) {
      if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1 || ttlSeconds > maximumSessionTokenSeconds) {
        throw new PersonaError('input-unsupported', `ttlSeconds must be a whole number from 1 to ${maximumSessionTokenSeconds} (24 hours); it is ${ttlSeconds}`);
      }
      const expiresAt = now() + ttlSeconds * 1000;
      const claims: SessionTokenClaims = { keyId, ...(persona === undefined ? {} : { persona }), expiresAt };
      const signedPart = `${sessionTokenMarker}${Buffer.from(JSON.stringify(claims), 'utf8').toString('base64url')}`;
      return { token: `${signedPart}.${sign(signedPart).toString('base64url')}`, expiresAt: new Date(expiresAt) };
    },

    verify(token) {
      if (!token.startsWith(sessionTokenMarker) || token.length > maximumTokenLength) return { ok: false, reason: 'malformed' };
      const dot = token.lastIndexOf('.');
      if (dot < 0) return { ok: false, reason: 'malformed' };
      const signedPart = token.slice(0, dot);
      // Compared as text: base64url decoding ignores a last character's spare bits, which would let altered tokens through.
      const presented = Buffer.from(token.slice(dot + 1), 'utf8');
      const expected = Buffer.from(sign(signedPart).toString('base64url'), 'utf8');
      if (presented.length !== expected.length || !timingSafeEqual(presented, expected)) return { ok: false, reason: 'bad-signature' };
      // Only a token this server signed gets parsed.
      const claims = parseClaims(signedPart.slice(sessionTokenMarker.length));
      if (!claims) return { ok: false, reason: 'malformed' };
      if (now() >= claims.expiresAt) return { ok: false, reason: 'expired', expiresAt: new Date(claims.expiresAt) };
      return { ok: true, claims };
    },
  };
}

function parseClaims(encoded: string): SessionTokenClaims | undefined {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { keyId, persona, expiresAt } = value as Record<string, unknown>;
  if (typeof keyId !== 'string' || typeof expiresAt !== 'number') return undefined;
  if (persona !== undefined && typeof persona !== 'string') return undefined;
  return { keyId, ...(persona === undefined ? {} : { persona }), expiresAt };
}
