/** The `persona` command with only `batch` registered (errors handled as in src/cli/main.ts). */
import { Command } from 'commander';
import { registerBatchCommand } from '../../src/cli/commands/batch-command.js';
import { runProgram } from '../../src/cli/run-program.js';

const program = new Command().name('persona').option('--home <dir>', 'where all data lives').exitOverride();
registerBatchCommand(program);

await runProgram(program, process.argv);
