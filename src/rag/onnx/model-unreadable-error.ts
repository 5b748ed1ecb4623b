/**
 * A model file that exists but cannot be loaded (truncated download, wrong format).
 * It names the file, because "protobuf parsing failed" alone does not say which one.
 */
import { PersonaError } from '../../errors.js';

export class ModelUnreadableError extends PersonaError {
  readonly path: string;
  readonly model: string;

  constructor(model: string, path: string, reason: string, options: { cause?: unknown } = {}) {
    super(
      'input-unreadable',
      `${path}: cannot load this model file (${reason}). It may be corrupt or incomplete; run \`persona models pull ${model}\` again.`,
      options,
    );
    this.name = 'ModelUnreadableError';
    this.path = path;
    this.model = model;
  }
}
