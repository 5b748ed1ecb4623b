/**
 * Turns node-llama-cpp's `onTextChunk` callbacks into an async iterable. The iteration
 * ends the moment `signal` aborts, dropping chunks already produced but not yet read: after
 * a barge-in nothing of the old turn may reach the speaker, even if llama.cpp finished one
 * more token before it noticed the abort.
 */
export interface TextChunkQueue {
  push(text: string): void;
  end(): void;
  fail(error: unknown): void;
  iterate(signal: AbortSignal): AsyncIterable<string>;
}

export function createTextChunkQueue(): TextChunkQueue {
  const chunks: string[] = [];
  let ended = false;
  let failure: { error: unknown } | undefined;
  let wake: (() => void) | undefined;

  function notify(): void {
    const resolve = wake;
    wake = undefined;
    resolve?.();
  }

  return {
    push(text) {
      if (ended) return;
      chunks.push(text);
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
    async *iterate(signal) {
      const onAbort = (): void => notify();
      signal.addEventListener('abort', onAbort, { once: true });
      try {
        while (!signal.aborted) {
          const text = chunks.shift();
          if (text !== undefined) {
            yield text;
            continue;
          }
          if (failure !== undefined) throw failure.error;
          if (ended) return;
          await new Promise<void>((resolve) => {
            wake = resolve;
          });
        }
      } finally {
        signal.removeEventListener('abort', onAbort);
      }
    },
  };
}
