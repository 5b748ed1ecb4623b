/**
 * The one error class of the Chroma vector store and its embedded server. `kind` says
 * what went wrong in detail; `code` maps it onto the shared codes of `src/errors.ts`.
 */
import { PersonaError, type PersonaErrorCode } from '../../errors.js';

export type VectorStoreErrorKind =
  /** The embedded server did not come up: port taken, binding missing, folder unwritable, timeout. */
  | 'server-start'
  /** The embedded server kept dying and the manager gave up restarting it. */
  | 'server-failed'
  /** The server did not answer a request (connection refused or reset) within the retry window. */
  | 'unavailable'
  /** The server answered with an error. */
  | 'request-failed'
  /** A collection name Chroma cannot store. */
  | 'collection-name'
  /** Vectors of another dimension, or another distance space, than the collection holds. */
  | 'collection-incompatible'
  /** A record or query Chroma cannot take: a non-finite number in a vector. */
  | 'invalid-record'
  /** The store or server was used after `close()`. */
  | 'closed';

const codeOfKind: Record<VectorStoreErrorKind, PersonaErrorCode> = {
  'server-start': 'service-unavailable',
  'server-failed': 'service-unavailable',
  unavailable: 'service-unavailable',
  'request-failed': 'service-unavailable',
  'collection-name': 'index-incompatible',
  'collection-incompatible': 'index-incompatible',
  'invalid-record': 'input-unsupported',
  closed: 'service-unavailable',
};

export class VectorStoreError extends PersonaError {
  readonly kind: VectorStoreErrorKind;
  /** The collection at fault, when there is one. */
  readonly collection: string | undefined;

  constructor(
    kind: VectorStoreErrorKind,
    message: string,
    options: { cause?: unknown; collection?: string; retryable?: boolean } = {},
  ) {
    super(codeOfKind[kind], message, { cause: options.cause, retryable: options.retryable ?? kind === 'unavailable' });
    this.name = 'VectorStoreError';
    this.kind = kind;
    this.collection = options.collection;
  }
}
