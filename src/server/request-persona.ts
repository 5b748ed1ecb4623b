/**
 * The persona an HTTP request acts on: the one it names (body field or OpenAI `model`), else
 * the token's persona, else the configured default; refused when the token is for another.
 */
import type { FastifyRequest } from 'fastify';
import { PersonaError } from '../errors.js';
import { personaAllowed } from './auth/request-auth.js';

export function requestPersona(request: FastifyRequest, named: string | undefined, fallback: string): string {
  const persona = named ?? request.auth?.persona ?? fallback;
  if (!personaAllowed(request.auth, persona)) {
    throw new HttpError(403, 'forbidden', `these credentials are for persona "${request.auth?.persona}", not "${persona}"`);
  }
  return persona;
}

/** An error with the HTTP status it should be answered with; the app's error handler sends `{error: {code, message}}`. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** HTTP status for an error from the pipeline. */
export function statusOf(error: unknown): number {
  if (error instanceof HttpError) return error.statusCode;
  if (error instanceof PersonaError) {
    switch (error.code) {
      case 'not-found':
        return 404;
      case 'input-unreadable':
      case 'input-unsupported':
      case 'config-invalid':
        return 400;
      case 'input-too-large':
        return 413;
      case 'service-unavailable':
        return 503;
      default:
        return 500;
    }
  }
  return 500;
}
