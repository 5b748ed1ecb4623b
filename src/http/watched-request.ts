/**
 * One streaming HTTP request to a server we do not own, watched: the caller's abort, a
 * silence timer and the engine's close() all cancel it through one controller, and
 * `timedOut` tells afterwards whether the silence timer was what fired.
 */
export interface WatchedRequest {
  /** For `fetch`: aborts on the caller's signal, on silence, and on `release(true)`. */
  readonly signal: AbortSignal;
  readonly timedOut: boolean;
  /** (Re)starts the timer: nothing for `timeoutMs` aborts the request. */
  restartSilenceTimer(): void;
  stopSilenceTimer(): void;
  /** Stops watching; `cancel` aborts the request too (a stream left unread must close its connection). */
  release(cancel: boolean): void;
}

export function watchRequest(callerSignal: AbortSignal | undefined, timeoutMs: number, inFlight: Set<AbortController>): WatchedRequest {
  const controller = new AbortController();
  inFlight.add(controller);
  const onAbort = (): void => controller.abort(callerSignal?.reason);
  callerSignal?.addEventListener('abort', onAbort, { once: true });
  let timedOut = false;
  let timer: NodeJS.Timeout | undefined;
  const stopSilenceTimer = (): void => clearTimeout(timer);
  return {
    signal: controller.signal,
    get timedOut() {
      return timedOut;
    },
    restartSilenceTimer() {
      clearTimeout(timer);
      timer = setTimeout(() => {
        timedOut = true;
        controller.abort(new Error(`nothing within ${timeoutMs} ms`));
      }, timeoutMs);
    },
    stopSilenceTimer,
    release(cancel) {
      stopSilenceTimer();
      callerSignal?.removeEventListener('abort', onAbort);
      inFlight.delete(controller);
      if (cancel) controller.abort();
    },
  };
}
