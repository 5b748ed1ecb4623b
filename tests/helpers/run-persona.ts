/** Runs the real `persona` command in a child process, with its own PERSONA_HOME. */
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const personaCommand = path.resolve('bin/persona.js');

export interface PersonaRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function runPersona(home: string, args: string[], environment: Record<string, string> = {}, timeoutMs = 120_000): PersonaRun {
  const result = spawnSync(process.execPath, [personaCommand, ...args], {
    env: { ...process.env, PERSONA_HOME: home, ...environment },
    encoding: 'utf8',
    timeout: timeoutMs,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
