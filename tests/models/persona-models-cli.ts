/**
 * The `persona` command with only `models` registered, handling errors as src/cli/main.ts
 * does, so these tests do not depend on the other subcommands' modules.
 */
import { Command, CommanderError } from 'commander';
import { registerModelsCommand } from '../../src/cli/commands/models-command.js';
import { PersonaError } from '../../src/errors.js';

const program = new Command().name('persona').option('--home <dir>', 'where all data lives').exitOverride();
registerModelsCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) process.exit(error.exitCode);
  if (error instanceof PersonaError) {
    process.stderr.write(`persona: ${error.message}\n`);
    process.exit(error.code === 'config-invalid' ? 78 : 1);
  }
  throw error;
}
