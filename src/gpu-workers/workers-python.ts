/**
 * The Python interpreter of the workers' venv (scripts/setup-workers.sh links it at
 * workers/.venv), for the commands that run the Python side in-process: adapter conversion.
 * PERSONA_WORKERS_PYTHON points elsewhere (a venv of the user's own, a container's python).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../errors.js';

export const workersFolder = fileURLToPath(new URL('../../workers', import.meta.url));

export function workersPython(environment: NodeJS.ProcessEnv = process.env): string {
  const configured = environment.PERSONA_WORKERS_PYTHON;
  const python = configured === undefined || configured === '' ? `${workersFolder}/.venv/bin/python` : configured;
  if (!existsSync(python)) {
    throw new ConfigError(
      configured
        ? `PERSONA_WORKERS_PYTHON is ${configured}, which does not exist`
        : `The Python workers are not installed (no ${python}): run \`bash scripts/setup-workers.sh\` (a few minutes, about 3 GB), or set PERSONA_WORKERS_PYTHON`,
    );
  }
  return python;
}
