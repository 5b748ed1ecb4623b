/**
 * The one error class of the model manifest and `persona models pull`. `kind` says what
 * went wrong in detail; `code` maps it onto the shared codes of `src/errors.ts`.
 */
import { PersonaError, type PersonaErrorCode } from '../errors.js';

export type ModelErrorKind =
  /** The manifest (or checksums.json / consent.json) is not valid JSON or breaks the schema. */
  | 'manifest-invalid'
  /** No model of that name in the manifest. */
  | 'unknown-model'
  /** DNS, refused connection, no route: this machine cannot reach the host at all. */
  | 'unreachable'
  /** The server answered, but not with the file (404, 403, 5xx, ...). */
  | 'http-error'
  /** The connection broke or stalled mid-transfer; the `.part` file is kept for a resume. */
  | 'transfer-interrupted'
  /** The downloaded bytes do not hash to the expected sha256; the `.part` file is deleted. */
  | 'checksum-mismatch'
  /** The licence was not accepted and no one could be asked (no terminal, no `--accept-licence`). */
  | 'licence-consent-needed'
  /** Someone was asked and said no. */
  | 'licence-declined'
  /** Another `persona models pull` is downloading the same model right now. */
  | 'busy'
  /** The model folder cannot be written (disk full, permissions). */
  | 'write-failed'
  /** The caller's signal aborted the pull; the `.part` file is kept for a resume. */
  | 'aborted';

const codeOfKind: Record<ModelErrorKind, PersonaErrorCode> = {
  'manifest-invalid': 'config-invalid',
  'unknown-model': 'not-found',
  unreachable: 'service-unavailable',
  'http-error': 'service-unavailable',
  'transfer-interrupted': 'service-unavailable',
  'checksum-mismatch': 'input-unreadable',
  // Consent is a precondition the invocation did not meet, like a missing setting.
  'licence-consent-needed': 'config-invalid',
  'licence-declined': 'aborted',
  busy: 'service-unavailable',
  'write-failed': 'input-unreadable',
  aborted: 'aborted',
};

export class ModelError extends PersonaError {
  readonly kind: ModelErrorKind;
  /** The model at fault, when there is one. */
  readonly model: string | undefined;
  /** The URL being downloaded, when there is one. */
  readonly url: string | undefined;

  constructor(
    kind: ModelErrorKind,
    message: string,
    options: { cause?: unknown; model?: string; url?: string; retryable?: boolean } = {},
  ) {
    super(codeOfKind[kind], message, {
      cause: options.cause,
      retryable: options.retryable ?? (kind === 'transfer-interrupted' || kind === 'busy'),
    });
    this.name = 'ModelError';
    this.kind = kind;
    this.model = options.model;
    this.url = options.url;
  }
}
