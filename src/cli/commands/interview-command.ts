/**
 * `persona interview`: ask the persona's person open-ended questions in the terminal and
 * store the answers verbatim; `interview questions` lists the next ones; `interview import
 * FILE` reads answers given elsewhere (JSON, CSV, Markdown).
 */
import path from 'node:path';
import { Option, type Command } from 'commander';
import type { Config } from '../../config.js';
import { describeError } from '../../errors.js';
import type { EngineName } from '../../llm/create-engine.js';
import { chooseQuestions, type ChosenQuestions } from '../../persona/interview/choose-questions.js';
import { importInterviews } from '../../persona/interview/import-interviews.js';
import { runInterviewSession } from '../../persona/interview/interview-session.js';
import { saveInterviewAnswer } from '../../persona/interview/save-answer.js';
import { openGenerativeEngine } from '../../persona/profile/open-generative-engine.js';
import { openStore } from '../../store/store.js';
import { createSttEngine } from '../../stt/create-stt-engine.js';
import type { SttEngine } from '../../stt/stt-engine.js';
import { transcribeFile } from '../../stt/transcribe-file.js';
import { configFor, printJson } from '../command-context.js';
import { abortOnSignals } from '../abort-on-signals.js';

interface QuestionFlags {
  persona?: string;
  count: number;
  topics?: string;
  engine?: EngineName;
}

const engineOption = (): Option => new Option('--engine <engine>', 'the LLM engine that writes questions (default: llm.engine); recall uses the built-in bank').choices(['auto', 'llama', 'openai', 'recall']);

function parseCount(value: string): number {
  const count = Number(value);
  if (!Number.isInteger(count) || count < 1 || count > 200) throw new Error(`--count must be a whole number from 1 to 200, not "${value}"`);
  return count;
}

async function nextQuestions(config: Config, flags: QuestionFlags, signal: AbortSignal): Promise<ChosenQuestions> {
  using store = openStore(config);
  const engine = await openGenerativeEngine(config, flags.engine ?? config.llm.engine);
  try {
    return await chooseQuestions(store.database, config.persona, {
      count: flags.count,
      topics: flags.topics?.split(','),
      engine,
      signal,
    });
  } finally {
    await engine?.close();
  }
}

function interruptible(): { signal: AbortSignal; dispose: () => void } {
  const controller = abortOnSignals('SIGINT');
  return { signal: controller.signal, dispose: () => controller.release() };
}

export function registerInterviewCommand(program: Command): void {
  const interview = program
    .command('interview')
    .description(
      'Interview the person: open-ended questions (psychology, values, hypotheticals, memories, opinions), one at a time; answers are stored verbatim with a tone and category, and feed retrieval, the fingerprint and the profile. Type an answer and press Enter (a line ending in \\ continues on the next line); an empty line skips, q quits. Answers can also be piped in, one line per question.',
    )
    .option('-p, --persona <id>', 'the persona (default: $PERSONA_DEFAULT or "default")')
    .option('-n, --count <n>', 'how many questions', parseCount, 5)
    .option('--topics <list>', `comma-separated categories, e.g. values,memories (free topics with a generative engine)`)
    .option('--voice', 'answer by voice: type the path of a recording (WAV, MP3, … anything ffmpeg reads) and it is transcribed with the STT engine')
    .addOption(engineOption())
    .action(async (flags: QuestionFlags & { voice?: boolean }, command: Command) => {
      const config = configFor(command, { persona: flags.persona });
      const interrupt = interruptible();
      let stt: SttEngine | undefined;
      try {
        const chosen = await nextQuestions(config, flags, interrupt.signal);
        if (chosen.fallbackReason) process.stderr.write(`(the model's questions were not usable: ${chosen.fallbackReason}; using the built-in questions)\n`);
        if (chosen.questions.length === 0) {
          process.stdout.write('Every built-in question in these topics has been answered.\n');
          return;
        }
        using store = openStore(config);
        const chunking = { targetTokens: config.ingest.chunkTokens, overlapTokens: config.ingest.chunkOverlapTokens };
        const result = await runInterviewSession({
          questions: chosen.questions,
          input: process.stdin,
          output: process.stdout,
          interactive: process.stdin.isTTY === true,
          signal: interrupt.signal,
          save: (answer) => saveInterviewAnswer(store.database, config.persona, answer, chunking),
          transcribe: flags.voice
            ? async (file, signal) => {
                try {
                  stt ??= await createSttEngine(config);
                  return (await transcribeFile(stt, path.resolve(file), { signal })).text;
                } catch (error) {
                  process.stdout.write(`(could not transcribe ${file}: ${describeError(error)})\n`);
                  return '';
                }
              }
            : undefined,
        });
        process.stdout.write(
          `\n${result.answered} answer${result.answered === 1 ? '' : 's'} stored for ${config.persona}${result.skipped ? `, ${result.skipped} skipped` : ''}${result.duplicates ? `, ${result.duplicates} already stored` : ''}. Run \`persona embed\` so retrieval finds them by meaning.\n`,
        );
      } finally {
        interrupt.dispose();
        await stt?.close();
      }
    });

  interview
    .command('questions')
    .description('Print the next interview questions, none already answered: written by the LLM engine when it is generative, else from the built-in bank.')
    .option('-p, --persona <id>', 'the persona (default: $PERSONA_DEFAULT or "default")')
    .option('-n, --count <n>', 'how many questions', parseCount, 5)
    .option('--topics <list>', 'comma-separated categories, e.g. values,memories (free topics with a generative engine)')
    .addOption(engineOption())
    .option('--json', 'print {questions: [{text, category}], origin}')
    .action(async (flags: QuestionFlags & { json?: boolean }, command: Command) => {
      const config = configFor(command, { persona: flags.persona ?? command.parent?.opts<{ persona?: string }>().persona });
      const interrupt = interruptible();
      try {
        const chosen = await nextQuestions(config, flags, interrupt.signal);
        if (flags.json) return printJson(chosen);
        if (chosen.fallbackReason) process.stderr.write(`(the model's questions were not usable: ${chosen.fallbackReason}; using the built-in questions)\n`);
        process.stdout.write(chosen.questions.map((question, index) => `${index + 1}. [${question.category}] ${question.text}`).join('\n') + (chosen.questions.length ? '\n' : ''));
      } finally {
        interrupt.dispose();
      }
    });

  interview
    .command('import')
    .description('Import interview answers from a file: JSON ([{question, answer, tone?, category?, date?}]), CSV (question and answer columns) or Markdown (## Question headings). Importing the same file again replaces what it brought.')
    .argument('<file>', 'the interview file')
    .option('-p, --persona <id>', 'the persona (default: $PERSONA_DEFAULT or "default")')
    .option('--json', 'print the summary as JSON')
    .action(async (file: string, flags: { persona?: string; json?: boolean }, command: Command) => {
      const config = configFor(command, { persona: flags.persona ?? command.parent?.opts<{ persona?: string }>().persona });
      using store = openStore(config);
      const interrupt = interruptible();
      try {
        const summary = await importInterviews(store.database, config.persona, file, {
          chunking: { targetTokens: config.ingest.chunkTokens, overlapTokens: config.ingest.chunkOverlapTokens },
          limits: { maxFileBytes: config.ingest.maxFileBytes, maxUnzippedBytes: config.ingest.maxUnzippedBytes },
          signal: interrupt.signal,
        });
        if (flags.json) return printJson(summary);
        process.stdout.write(`${summary.added} of ${summary.answers} answers imported for ${config.persona} from ${summary.file}${summary.duplicates ? ` (${summary.duplicates} already stored)` : ''}.\n`);
      } finally {
        interrupt.dispose();
      }
    });
}
