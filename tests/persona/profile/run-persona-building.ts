/** Runs the test entry of `persona interview` / `persona profile` in a child process, stdin as given. */
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const entry = path.resolve('tests/persona/profile/persona-building-cli.ts');

export function runPersonaBuilding(home: string, args: string[], options: { input?: string; environment?: Record<string, string> } = {}) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', entry, ...args], {
    // No model file: `auto` is the recall engine, so no test waits on a model.
    env: { ...process.env, PERSONA_HOME: home, PERSONA_MODELS: path.join(home, 'no-models'), ...options.environment },
    input: options.input ?? '',
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
