/**
 * Makes every outgoing connection of the current thread fail with a NetworkBlockedError.
 * Installed only inside USE lite's workers, which exist to run one packaged model: a
 * stray download (tfjs' default loaders fetch from tfhub.dev and storage.googleapis.com)
 * would otherwise hang or fail slowly on a machine without internet.
 */
import net from 'node:net';
import { NetworkBlockedError } from './network-blocked-error.js';

export function blockNetwork(onAttempt: (target: string) => void): void {
  const refuse = (target: string): NetworkBlockedError => {
    onAttempt(target);
    return new NetworkBlockedError(target);
  };
  globalThis.fetch = (async (input: string | URL | Request) => {
    throw refuse(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
  }) as typeof fetch;
  // Every TCP and TLS client (http, https, undici, node-fetch) connects through here.
  net.Socket.prototype.connect = function connect(...args: unknown[]): never {
    throw refuse(describeConnection(args));
  } as typeof net.Socket.prototype.connect;
}

function describeConnection(args: readonly unknown[]): string {
  // Node passes (options, callback), (port, host), (path) or, internally, [options, callback].
  const first = Array.isArray(args[0]) ? args[0][0] : args[0];
  if (typeof first === 'string') return first;
  if (typeof first === 'number') return `${typeof args[1] === 'string' ? args[1] : 'localhost'}:${first}`;
  if (first !== null && typeof first === 'object') {
    const { host, port, path, servername } = first as Record<string, unknown>;
    if (typeof path === 'string') return path;
    return `${String(servername ?? host ?? 'localhost')}:${String(port ?? '')}`;
  }
  return 'an unknown address';
}
