/**
 * The `persona` command with only `worker` registered (errors handled as in src/cli/main.ts),
 * so these tests do not depend on the other subcommands' modules.
 */
import { Command } from 'commander';
import { registerWorkerCommand } from '../../../src/cli/commands/worker-command.js';
import { runProgram } from '../../../src/cli/run-program.js';

const program = new Command().name('persona').option('--home <dir>', 'where all data lives').exitOverride();
registerWorkerCommand(program);

await runProgram(program, process.argv);
