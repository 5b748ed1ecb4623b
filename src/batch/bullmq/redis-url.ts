/**
 * The Redis a BullMQ deployment shares: where its URL comes from, how it is shown (never with its
 * password), and a quick PING before anything waits on it, since ioredis would otherwise retry
 * an unreachable server forever without a word.
 */
import { createRequire } from 'node:module';
import { Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';
import { ConfigError, PersonaError } from '../../errors.js';

/** Read through a function so the setting can move into `src/config.ts` (`batch.redisUrl`) without touching callers. */
export function redisUrlFromEnvironment(environment: Record<string, string | undefined> = process.env): string | undefined {
  const url = environment.REDIS_URL?.trim();
  return url ? url : undefined;
}

/** The URL as logs and errors may show it: the password replaced by `***`. */
export function describeRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString().replace(/\/$/, '');
  } catch {
    return '(unparseable REDIS_URL)';
  }
}

export function parseRedisUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (error) {
    throw new ConfigError(`REDIS_URL ${describeRedisUrl(url)} is not a URL; expected redis://HOST:PORT[/DB]`, { cause: error });
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new ConfigError(`REDIS_URL ${describeRedisUrl(url)} must start with redis:// or rediss://`);
  }
  return parsed;
}

/** BullMQ's connection options: ioredis parses the URL; BullMQ requires no per-request retry limit. */
export function bullmqConnection(url: string): { url: string; maxRetriesPerRequest: null } {
  parseRedisUrl(url);
  requireRedisClient();
  return { url, maxRetriesPerRequest: null };
}

/**
 * BullMQ 6 loads `ioredis` lazily and, without it, fails deep inside a connection that then
 * never settles: say so first.
 */
export function requireRedisClient(): void {
  try {
    createRequire(import.meta.url).resolve('ioredis');
  } catch (error) {
    throw new ConfigError('REDIS_URL is set but the ioredis package (the Redis client BullMQ uses) is not installed: npm install ioredis', { cause: error });
  }
}

/**
 * Resolves when a Redis server answers at `url` (PONG, or NOAUTH: it is there and wants the
 * credentials ioredis will send); otherwise a retryable `service-unavailable` naming the URL.
 */
export async function checkRedisReachable(url: string, options: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<void> {
  const parsed = parseRedisUrl(url);
  const host = parsed.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1';
  const port = Number(parsed.port || 6379);
  const timeoutMs = options.timeoutMs ?? 3000;
  const shown = describeRedisUrl(url);
  const reply = await new Promise<string>((resolve, reject) => {
    const socket: Socket = parsed.protocol === 'rediss:' ? connectTls({ host, port, servername: host }) : new Socket().connect(port, host);
    const finish = (outcome: () => void): void => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      outcome();
    };
    const onAbort = (): void => finish(() => reject(new PersonaError('aborted', `checking Redis at ${shown} was interrupted`, { cause: options.signal?.reason })));
    const timer = setTimeout(() => finish(() => reject(unreachable(shown, `no answer within ${timeoutMs} ms`))), timeoutMs);
    options.signal?.addEventListener('abort', onAbort, { once: true });
    if (options.signal?.aborted) return onAbort();
    socket.once(parsed.protocol === 'rediss:' ? 'secureConnect' : 'connect', () => socket.write('*1\r\n$4\r\nPING\r\n'));
    socket.once('data', (data: Buffer) => finish(() => resolve(data.toString('utf8'))));
    socket.once('error', (error: NodeJS.ErrnoException) => finish(() => reject(unreachable(shown, error.code ?? error.message, error))));
  });
  if (reply.startsWith('+PONG') || reply.startsWith('-NOAUTH')) return;
  throw unreachable(shown, `it answered PING with ${JSON.stringify(reply.trim().slice(0, 80))}`);
}

function unreachable(shownUrl: string, reason: string, cause?: unknown): PersonaError {
  return new PersonaError('service-unavailable', `Redis at ${shownUrl} (REDIS_URL) is unreachable: ${reason}`, { cause, retryable: true });
}
