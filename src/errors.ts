/**
 * The small set of typed errors every stage throws. Callers branch on `code`,
 * retry on `retryable`, and print `message`, which always names the input at fault.
 */
export type PersonaErrorCode =
  | 'config-invalid'
  | 'store-key'
  | 'store-corrupt'
  | 'input-unreadable'
  | 'input-too-large'
  | 'input-unsupported'
  | 'not-found'
  | 'aborted'
  | 'service-unavailable'
  | 'index-incompatible';

export class PersonaError extends Error {
  readonly code: PersonaErrorCode;
  readonly retryable: boolean;

  constructor(code: PersonaErrorCode, message: string, options: { cause?: unknown; retryable?: boolean } = {}) {
    super(message, { cause: options.cause });
    this.name = 'PersonaError';
    this.code = code;
    this.retryable = options.retryable ?? false;
  }
}

export class ConfigError extends PersonaError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('config-invalid', message, options);
    this.name = 'ConfigError';
  }
}

/** A file that cannot be ingested: the run records the reason and goes on. */
export class InputError extends PersonaError {
  readonly path: string;

  constructor(
    code: 'input-unreadable' | 'input-too-large' | 'input-unsupported',
    path: string,
    reason: string,
    options: { cause?: unknown } = {},
  ) {
    super(code, `${path}: ${reason}`, options);
    this.name = 'InputError';
    this.path = path;
  }

  /** The reason without the path, for summaries that already list the path. */
  get reason(): string {
    return this.message.slice(this.path.length + 2);
  }
}

export class StoreError extends PersonaError {
  constructor(code: 'store-key' | 'store-corrupt' | 'not-found', message: string, options: { cause?: unknown } = {}) {
    super(code, message, options);
    this.name = 'StoreError';
  }
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
