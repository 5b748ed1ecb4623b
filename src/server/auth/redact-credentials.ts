/**
 * Browsers put credentials in the URL (`?token=`, `?key=`) because they cannot set headers
 * on a WebSocket; request logs must not keep them.
 */
const credentialParameter = /([?&](?:token|key)=)[^&#]*/gi;

/** The URL with the values of `token` and `key` query parameters replaced, e.g. for the request logger. */
export function withoutCredentials(url: string): string {
  return url.replace(credentialParameter, '$1[redacted]');
}
