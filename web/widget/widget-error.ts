/**
 * The widget's typed errors, shaped like the server's PersonaError (src/errors.ts, which
 * must not enter the browser bundle): a `code` to branch on, `retryable`, and a message
 * that a person can act on.
 */
export type WidgetErrorCode = 'microphone-blocked' | 'microphone-missing' | 'audio-unavailable' | 'connection-refused' | 'connection-lost' | 'server-unreachable' | 'not-connected' | 'invalid-attribute';

export class WidgetError extends Error {
  readonly code: WidgetErrorCode;
  readonly retryable: boolean;

  constructor(code: WidgetErrorCode, message: string, options: { cause?: unknown; retryable?: boolean } = {}) {
    super(message, { cause: options.cause });
    this.name = 'WidgetError';
    this.code = code;
    this.retryable = options.retryable ?? false;
  }
}
