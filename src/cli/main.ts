/** The `persona` command: one subcommand per file under ./commands. */
import { Command } from 'commander';
import { registerAskCommand } from './commands/ask-command.js';
import { registerModelsCommand } from './commands/models-command.js';
import { registerAdaptersCommand } from './commands/adapters-command.js';
import { registerCleanCommand } from './commands/clean-command.js';
import { registerForgetCommand } from './commands/forget-command.js';
import { registerIngestCommand } from './commands/ingest-command.js';
import { registerEmbedCommand } from './commands/embed-command.js';
import { registerSearchCommand } from './commands/search-command.js';
import { registerSourcesCommand } from './commands/sources-command.js';
import { registerBatchCommand } from './commands/batch-command.js';
import { registerCompareCommand } from './commands/compare-command.js';
import { registerDatasetCommand } from './commands/dataset-command.js';
import { registerDemoCommand } from './commands/demo-command.js';
import { registerEvalCommand } from './commands/eval-command.js';
import { registerInterviewCommand } from './commands/interview-command.js';
import { registerModesCommand } from './commands/modes-command.js';
import { registerProfileCommand } from './commands/profile-command.js';
import { registerKeysCommand } from './commands/keys-command.js';
import { registerSayCommand } from './commands/say-command.js';
import { registerServeCommand } from './commands/serve-command.js';
import { registerTranscribeCommand } from './commands/transcribe-command.js';
import { registerVoicesCommand } from './commands/voices-command.js';
import { registerWorkerCommand } from './commands/worker-command.js';
import { runProgram } from './run-program.js';

const program = new Command()
  .name('persona')
  .description('Talk to a digital persona of a real person, built from their own words. All data stays on this machine.')
  .option('--home <dir>', 'where all data lives (default: $PERSONA_HOME or ./data)')
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride();

registerIngestCommand(program);
registerCleanCommand(program);
registerSourcesCommand(program);
registerForgetCommand(program);
registerEmbedCommand(program);
registerSearchCommand(program);
registerAskCommand(program);
registerModelsCommand(program);
registerAdaptersCommand(program);
registerTranscribeCommand(program);
registerVoicesCommand(program);
registerSayCommand(program);
registerKeysCommand(program);
registerInterviewCommand(program);
registerProfileCommand(program);
registerModesCommand(program);
registerDatasetCommand(program);
registerEvalCommand(program);
registerCompareCommand(program);
registerBatchCommand(program);
registerWorkerCommand(program);
registerServeCommand(program);
registerDemoCommand(program);

await runProgram(program, process.argv);
