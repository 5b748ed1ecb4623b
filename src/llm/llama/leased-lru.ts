/**
 * A small least-recently-used cache whose values are used by one caller at a time. The
 * llama engine keeps one context per LoRA adapter here: a context's sequence can run one
 * generation at a time, so callers of the same adapter queue, callers of different
 * adapters run side by side, and the least recently used idle context is disposed when
 * there are more than `capacity` (a context holds its KV cache: ~1 GiB for Llama 3 8B at
 * 8K tokens). A value that is in use is never disposed; the cache may then hold more
 * than `capacity` until it is released.
 */
export interface Lease<T> {
  readonly value: T;
  /** Hands the value to the next caller in line; call once. */
  release(): void;
}

export interface LeasedLru<T> {
  /**
   * Waits for `key`'s value, creating it with `create` on first use. Resolves undefined
   * when `signal` aborts while waiting (an abort is a normal ending for the caller).
   */
  acquire(key: string, create: () => Promise<T>, signal?: AbortSignal): Promise<Lease<T> | undefined>;
  /** Keys from least to most recently used. */
  keys(): string[];
  readonly size: number;
  /** Disposes every value; waits for leases to be released first. */
  clear(): Promise<void>;
}

interface Entry<T> {
  value: Promise<T>;
  held: boolean;
  waiters: Array<() => void>;
  /** Resolves when the entry is free (no holder, no one waiting). */
  idle: Array<() => void>;
}

const aborted = Symbol('aborted');

/** The value, or `aborted` as soon as `signal` aborts (creating a context can take a while). */
function untilAborted<T>(value: Promise<T>, signal: AbortSignal | undefined): Promise<T | typeof aborted> {
  if (signal === undefined) return value;
  if (signal.aborted) return Promise.resolve(aborted);
  return new Promise((resolve, reject) => {
    const onAbort = (): void => resolve(aborted);
    signal.addEventListener('abort', onAbort, { once: true });
    value.then(
      (result) => {
        signal.removeEventListener('abort', onAbort);
        resolve(result);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

export function createLeasedLru<T>(options: { capacity: number; dispose: (value: T, key: string) => Promise<void> | void }): LeasedLru<T> {
  const entries = new Map<string, Entry<T>>();
  const disposals = new Set<Promise<void>>();

  function isIdle(entry: Entry<T>): boolean {
    return !entry.held && entry.waiters.length === 0;
  }

  function remove(key: string, entry: Entry<T>): void {
    if (entries.get(key) !== entry) return;
    entries.delete(key);
    const disposal = entry.value.then(
      (value) => options.dispose(value, key),
      () => undefined, // creation failed: nothing to dispose
    );
    // A context that fails to dispose has nothing left to give back; the cache goes on.
    const tracked = Promise.resolve(disposal)
      .catch(() => undefined)
      .finally(() => disposals.delete(tracked));
    disposals.add(tracked);
  }

  function trim(): void {
    for (const [key, entry] of entries) {
      if (entries.size <= options.capacity) return;
      if (isIdle(entry)) remove(key, entry);
    }
  }

  function release(entry: Entry<T>): void {
    const next = entry.waiters.shift();
    if (next !== undefined) {
      next(); // the turn passes on; `held` stays true
      return;
    }
    entry.held = false;
    for (const resolve of entry.idle.splice(0)) resolve();
    trim();
  }

  function waitForTurn(entry: Entry<T>, signal: AbortSignal | undefined): Promise<boolean> {
    if (!entry.held) {
      entry.held = true;
      return Promise.resolve(true);
    }
    return new Promise((resolve) => {
      const onAbort = (): void => {
        const index = entry.waiters.indexOf(onTurn);
        if (index >= 0) entry.waiters.splice(index, 1);
        resolve(false);
      };
      const onTurn = (): void => {
        signal?.removeEventListener('abort', onAbort);
        resolve(true);
      };
      entry.waiters.push(onTurn);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  return {
    async acquire(key, create, signal) {
      if (signal?.aborted) return undefined;
      let entry = entries.get(key);
      if (entry === undefined) {
        const created: Entry<T> = { value: create(), held: false, waiters: [], idle: [] };
        // A failed creation must not stay cached: the next caller tries again. (Callers
        // waiting on it get the error and drop it themselves, below.)
        created.value.catch(() => {
          if (entries.get(key) === created && isIdle(created)) entries.delete(key);
        });
        entry = created;
      } else {
        entries.delete(key); // re-inserted below as the most recently used
      }
      entries.set(key, entry);
      const own = entry;
      if (!(await waitForTurn(own, signal))) return undefined;
      let value: T | typeof aborted;
      try {
        value = await untilAborted(own.value, signal);
      } catch (error) {
        if (entries.get(key) === own) entries.delete(key);
        release(own);
        throw error;
      }
      if (value === aborted) {
        // Aborted while the value was being created: it is kept for the next caller.
        release(own);
        return undefined;
      }
      trim();
      let released = false;
      return {
        value,
        release() {
          if (released) return;
          released = true;
          release(own);
        },
      };
    },
    keys: () => [...entries.keys()],
    get size() {
      return entries.size;
    },
    async clear() {
      const pending = [...entries].map(async ([key, entry]) => {
        if (!isIdle(entry)) await new Promise<void>((resolve) => entry.idle.push(resolve));
        remove(key, entry);
      });
      await Promise.all(pending);
      await Promise.all([...disposals]);
    },
  };
}
