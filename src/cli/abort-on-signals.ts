/**
 * A command's AbortController that Ctrl-C (and any other named signal) aborts, so long work
 * stops cleanly; `release()` stops listening once the work is over.
 */
export interface SignalAbortController extends AbortController {
  release(): void;
}

export function abortOnSignals(...signals: NodeJS.Signals[]): SignalAbortController {
  const controller = new AbortController() as SignalAbortController;
  const stop = (): void => controller.abort(new Error('interrupted'));
  for (const signal of signals) process.once(signal, stop);
  controller.release = () => {
    for (const signal of signals) process.off(signal, stop);
  };
  return controller;
}
