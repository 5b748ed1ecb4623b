/** What every subcommand needs: the validated configuration, with `--home` applied. */
import type { Command } from 'commander';
import { loadConfig, type Config } from '../config.js';

export function configFor(command: Command, overrides: { persona?: string } = {}): Config {
  const { home } = command.optsWithGlobals<{ home?: string }>();
  return loadConfig({ overrides: { ...(home ? { home } : {}), ...(overrides.persona ? { persona: overrides.persona } : {}) } });
}

/** For repeatable options: `--author a --author b`. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
