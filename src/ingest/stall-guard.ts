/**
 * Aborts when a reader makes no progress for `timeoutMs`: a hung parser on one bad file
 * is cut off, while a multi-GB mbox that keeps yielding messages runs as long as it needs.
 */
export interface StallGuard {
  readonly signal: AbortSignal;
  /** Call whenever the reader made progress. */
  progressed(): void;
  dispose(): void;
}

export class StallError extends Error {
  constructor(timeoutMs: number) {
    super(`no progress for ${Math.round(timeoutMs / 1000)} s; the file was given up`);
    this.name = 'StallError';
  }
}

export function createStallGuard(timeoutMs: number, parent?: AbortSignal): StallGuard {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const arm = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => controller.abort(new StallError(timeoutMs)), timeoutMs);
    timer.unref();
  };
  arm();
  return {
    signal: parent ? AbortSignal.any([parent, controller.signal]) : controller.signal,
    progressed: arm,
    dispose: () => clearTimeout(timer),
  };
}
