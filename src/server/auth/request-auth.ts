/** Who made a request, as the auth hook found it; routes read it from `request.auth`. */

export interface RequestAuth {
  /** The API key behind the request: used directly, or the one that minted the session token. */
  keyId: string;
  kind: 'api-key' | 'session-token';
  /** Set only for a session token minted for one persona: the request may act on no other. */
  persona?: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the auth hook on `/v1/*` and `/metrics`; undefined on public routes. */
    auth?: RequestAuth;
  }
}

/** Whether these credentials may act on this persona (an unscoped key or token may act on any). */
export function personaAllowed(auth: RequestAuth | undefined, persona: string): boolean {
  return auth !== undefined && (auth.persona === undefined || auth.persona === persona);
}
