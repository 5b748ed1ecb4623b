/**
 * Where the web app's session token comes from and where it is kept: a link carries it
 * (`#token=` from `persona keys token --url`, or `?token=`), and it is taken out of the
 * address bar at once so it is not bookmarked, shared or left in the history; then it
 * lives in sessionStorage, which ends with the tab.
 */
const storageKey = 'persona.session-token';

/** A session token's prefix (src/server/auth/session-token.ts); API keys start with `pk_`. */
export const sessionTokenMarker = 'pst_';

/** The token in the current address, removing it from the address bar; undefined when there is none. */
export function takeTokenFromAddress(): string | undefined {
  const address = new URL(window.location.href);
  const hash = new URLSearchParams(address.hash.slice(1));
  const fromHash = hash.get('token');
  const fromQuery = address.searchParams.get('token');
  if (fromHash === null && fromQuery === null) return undefined;
  hash.delete('token');
  address.searchParams.delete('token');
  const rest = hash.toString();
  address.hash = rest === '' ? '' : `#${rest}`;
  window.history.replaceState(window.history.state, '', address.href);
  const token = (fromHash ?? fromQuery ?? '').trim();
  return token === '' ? undefined : token;
}

export function storedToken(): string | undefined {
  try {
    return window.sessionStorage.getItem(storageKey) ?? undefined;
  } catch {
    // Storage can be disabled (privacy settings); the token then lasts as long as the page.
    return undefined;
  }
}

export function storeToken(token: string): void {
  try {
    window.sessionStorage.setItem(storageKey, token);
  } catch {
    // See storedToken: the app still works for this page.
  }
}

export function forgetToken(): void {
  try {
    window.sessionStorage.removeItem(storageKey);
  } catch {
    // Nothing stored, nothing to forget.
  }
}

/**
 * When the token says it expires. Read without checking the signature (only the server
 * can): it only lets the app say "expired" before asking, and the server has the last word.
 */
export function tokenExpiry(token: string): Date | undefined {
  if (!token.startsWith(sessionTokenMarker)) return undefined;
  const dot = token.lastIndexOf('.');
  if (dot < 0) return undefined;
  try {
    const base64 = token.slice(sessionTokenMarker.length, dot).replace(/-/g, '+').replace(/_/g, '/');
    const claims = JSON.parse(atob(base64.padEnd(Math.ceil(base64.length / 4) * 4, '='))) as { expiresAt?: unknown };
    return typeof claims.expiresAt === 'number' ? new Date(claims.expiresAt) : undefined;
  } catch {
    return undefined;
  }
}

/** Why a pasted value cannot be a session token, or undefined when it looks like one. */
export function tokenProblem(value: string): string | undefined {
  if (value === '') return 'Paste the session token first.';
  if (value.startsWith('pk_')) return 'That is an API key, which must stay on the server. Paste a session token (pst_…) instead: run persona keys token.';
  if (!value.startsWith(sessionTokenMarker) || !value.includes('.')) return 'That is not a session token: one starts with pst_ and is printed by persona keys token.';
  return undefined;
}
