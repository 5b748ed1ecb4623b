/**
 * USE lite could not load its packaged weights or embed a batch (`input-unreadable`), or a
 * worker running it crashed (`service-unavailable`, retryable: a fresh worker replaces it).
 */
import { PersonaError } from '../../errors.js';

export class UseLiteError extends PersonaError {
  constructor(code: 'input-unreadable' | 'service-unavailable', message: string, options: { cause?: unknown } = {}) {
    super(code, message, { ...options, retryable: code === 'service-unavailable' });
    this.name = 'UseLiteError';
  }
}
