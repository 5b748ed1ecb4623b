/**
 * A test-only `persona` with just the say and voices commands, run as a child process by
 * tests/cli/say.test.ts and tests/cli/voices.test.ts (the real bin/persona.js gains them
 * when src/cli/main.ts registers them).
 */
import { Command } from 'commander';
import { registerSayCommand } from '../../../src/cli/commands/say-command.js';
import { registerVoicesCommand } from '../../../src/cli/commands/voices-command.js';
import { runProgram } from '../../../src/cli/run-program.js';

const program = new Command().name('persona').option('--home <dir>', 'where all data lives').exitOverride();
registerSayCommand(program);
registerVoicesCommand(program);
await runProgram(program, process.argv);
