/**
 * The server's addresses from the `server` attribute: the WebSocket at `/v1/talk` (token in
 * the query, as browsers cannot set headers on a WebSocket) and the public `/healthz`.
 * A path on the attribute is kept, for servers behind a reverse proxy under a prefix.
 */
import { WidgetError } from './widget-error.js';

export interface WidgetAddress {
  talkUrl: string;
  healthUrl: string;
}

export function widgetAddress(server: string | null, token: string | null, pageUrl: string): WidgetAddress {
  let base: URL;
  try {
    base = new URL(server?.trim() || new URL(pageUrl).origin, pageUrl);
  } catch (error) {
    throw new WidgetError('invalid-attribute', `The server attribute "${server}" is not a URL (expected e.g. "https://persona.example.com")`, { cause: error });
  }
  const secure = base.protocol === 'https:' || base.protocol === 'wss:';
  if (!['http:', 'https:', 'ws:', 'wss:'].includes(base.protocol)) {
    throw new WidgetError('invalid-attribute', `The server attribute "${server}" must be an http(s) or ws(s) address`);
  }
  const prefix = base.pathname.replace(/\/+$/, '');
  const talk = new URL(`${secure ? 'wss' : 'ws'}://${base.host}${prefix}/v1/talk`);
  if (token) talk.searchParams.set('token', token);
  const health = new URL(`${secure ? 'https' : 'http'}://${base.host}${prefix}/healthz`);
  return { talkUrl: talk.href, healthUrl: health.href };
}
