/**
 * A model that has not been downloaded yet. Models are never fetched at run time (the
 * service must work offline), so the message tells the person which command fetches it.
 */
import { PersonaError } from '../../errors.js';

export class ModelMissingError extends PersonaError {
  /** The folder or file that was looked for. */
  readonly path: string;
  readonly model: string;

  constructor(model: string, path: string, what: string) {
    super('not-found', `${what} not found: ${path}. Run \`persona models pull ${model}\` on a connected machine to download it.`);
    this.name = 'ModelMissingError';
    this.path = path;
    this.model = model;
  }
}
