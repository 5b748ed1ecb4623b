/**
 * The `persona` command with only `interview` and `profile` registered (errors handled as in
 * src/cli/main.ts), so the CLI tests of persona building do not depend on other subcommands.
 */
import { Command } from 'commander';
import { registerInterviewCommand } from '../../../src/cli/commands/interview-command.js';
import { registerProfileCommand } from '../../../src/cli/commands/profile-command.js';
import { runProgram } from '../../../src/cli/run-program.js';

const program = new Command().name('persona').option('--home <dir>', 'where all data lives').exitOverride();
registerInterviewCommand(program);
registerProfileCommand(program);

await runProgram(program, process.argv);
