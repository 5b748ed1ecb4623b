/**
 * The `persona` command with only `eval` and `compare` registered (errors handled as in
 * src/cli/main.ts), so these tests run before main.ts registers them.
 */
import { Command } from 'commander';
import { registerCompareCommand } from '../../src/cli/commands/compare-command.js';
import { registerEvalCommand } from '../../src/cli/commands/eval-command.js';
import { runProgram } from '../../src/cli/run-program.js';

const program = new Command().name('persona').option('--home <dir>', 'where all data lives').exitOverride();
registerEvalCommand(program);
registerCompareCommand(program);

await runProgram(program, process.argv);
