/**
 * A push-driven async iterable: callbacks and socket handlers push, one consumer iterates.
 * The iteration ends the moment `signal` aborts, dropping items pushed but not yet read:
 * after a barge-in nothing of the old turn may reach the speaker, even if a stage produced
 * one more item before it noticed the abort.
 */
export interface AsyncQueue<T> {
  push(item: T): void;
  end(): void;
  fail(error: unknown): void;
  readonly ended: boolean;
  iterate(signal?: AbortSignal): AsyncIterable<T>;
}

export function createAsyncQueue<T>(): AsyncQueue<T> {
  const items: T[] = [];
  let ended = false;
  let failure: { error: unknown } | undefined;
  let wake: (() => void) | undefined;

  function notify(): void {
    const resolve = wake;
    wake = undefined;
    resolve?.();
  }

  return {
    push(item) {
      if (ended) return;
      items.push(item);
      notify();
    },
    end() {
      ended = true;
      notify();
    },
    fail(error) {
      failure = { error };
      ended = true;
      notify();
    },
    get ended() {
      return ended;
    },
    async *iterate(signal) {
      const onAbort = (): void => notify();
      signal?.addEventListener('abort', onAbort, { once: true });
      try {
        while (!signal?.aborted) {
          if (items.length > 0) {
            yield items.shift() as T;
            continue;
          }
          if (failure !== undefined) throw failure.error;
          if (ended) return;
          await new Promise<void>((resolve) => {
            wake = resolve;
          });
        }
      } finally {
        signal?.removeEventListener('abort', onAbort);
      }
    },
  };
}
