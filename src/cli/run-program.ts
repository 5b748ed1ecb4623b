/** Runs a commander program the way `persona` does: typed errors print one line and set the exit status. */
import { CommanderError, type Command } from 'commander';
import { PersonaError } from '../errors.js';

export async function runProgram(program: Command, argv: readonly string[]): Promise<void> {
  try {
    await program.parseAsync(argv as string[]);
  } catch (error) {
    if (error instanceof CommanderError) process.exit(error.exitCode);
    if (error instanceof PersonaError) {
      process.stderr.write(`persona: ${error.message}\n`);
      // 78 is EX_CONFIG: scripts can tell a setting to fix from a run that failed.
      process.exit(error.code === 'config-invalid' ? 78 : 1);
    }
    throw error;
  }
}
