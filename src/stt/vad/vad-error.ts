import { PersonaError } from '../../errors.js';

export type VadErrorCode = 'config-invalid' | 'input-unsupported' | 'input-unreadable' | 'not-found';

/**
 * A VAD problem the caller can act on: a bad option, audio in a shape the model cannot take,
 * or a model file that is missing or unreadable. `field` names the option or input at fault
 * so a wire handler can report it without parsing the message.
 */
export class VadError extends PersonaError {
  readonly field: string;

  constructor(code: VadErrorCode, field: string, reason: string, options: { cause?: unknown } = {}) {
    super(code, `${field}: ${reason}`, options);
    this.name = 'VadError';
    this.field = field;
  }
}
