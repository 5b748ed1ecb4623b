/**
 * `persona batch QUESTIONS --out DIR`: one audio file per question (and one MP4 with
 * `--video`) plus `DIR/index.jsonl`. Resumable (a rerun skips finished items), a progress bar
 * with ETA on a terminal, a summary at the end; exit status 1 when any item failed. The first
 * Ctrl-C lets running items finish, a second interrupts them.
 */
import path from 'node:path';
import type { Command } from 'commander';
import { audioFormats, type AudioFormat } from '../../audio/encode-audio.js';
import { indexFileName } from '../../batch/batch-index.js';
import { readQuestions } from '../../batch/read-questions.js';
import { maximumConcurrency, runBatch } from '../../batch/run-batch.js';
import { openPersonaRuntime } from '../../voice/persona-runtime.js';
import { configFor, printJson } from '../command-context.js';
import { createProgressBar } from '../progress-bar.js';

interface BatchFlags {
  out: string;
  persona?: string;
  voice?: string;
  format: string;
  video?: boolean;
  concurrency: string;
  adapter?: string;
  json?: boolean;
}

export function registerBatchCommand(program: Command): void {
  program
    .command('batch')
    .description(
      'Answer a file of questions: one audio file per question (and an MP4 with --video) plus DIR/index.jsonl with each question, answer, sources, engines, audio length and timings. Rerunning skips finished items and retries failed ones. The outputs are plain files, not encrypted like the store: they hold the answers in the clear, as asked for, so keep them where you would keep the mail itself (third parties\' phone numbers, addresses and ID, card and bank numbers are masked before any answer is made).',
    )
    .argument('<questions>', 'a .txt (one question a line, # comments), .csv (a "question" column, optional id, voice, persona) or .jsonl file')
    .requiredOption('-o, --out <dir>', 'the folder the answers go to (plain, unencrypted files)')
    .option('-p, --persona <id>', 'the persona (default: $PERSONA_DEFAULT or "default")')
    .option('--voice <name>', 'a voice folder under voices/ (default: the embedded voice)')
    .option('--format <format>', 'mp3 | wav | ogg', 'mp3')
    .option('--video', 'also make a talking-head MP4 per answer')
    .option('--concurrency <n>', 'questions answered at once', '1')
    .option('--adapter <id>', 'answer with this LoRA adapter from the vault')
    .option('--json', 'print the summary and results as JSON')
    .action(async (questionsFile: string, flags: BatchFlags, command: Command) => {
      if (!(audioFormats as readonly string[]).includes(flags.format)) command.error(`--format must be mp3, wav or ogg, not "${flags.format}"`);
      const concurrency = Number(flags.concurrency);
      if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > maximumConcurrency) {
        command.error(`--concurrency must be a whole number from 1 to ${maximumConcurrency}, not "${flags.concurrency}"`);
      }
      const config = configFor(command, { persona: flags.persona });
      const { questions, problems } = await readQuestions(path.resolve(questionsFile));
      for (const problem of problems) process.stderr.write(`persona: ${questionsFile}:${problem.line}: ${problem.reason} (skipped)\n`);
      if (questions.length === 0) {
        process.stderr.write(`persona: ${questionsFile} holds no question to answer\n`);
        process.exitCode = 1;
        return;
      }

      const stop = new AbortController();
      const interrupt = new AbortController();
      const onSignal = (): void => {
        if (!stop.signal.aborted) {
          stop.abort(new Error('interrupted'));
          process.stderr.write('\npersona: stopping after the running items (Ctrl-C again to interrupt them)\n');
        } else interrupt.abort(new Error('interrupted'));
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      const bar = createProgressBar();
      const outFolder = path.resolve(flags.out);
      try {
        await using runtime = await openPersonaRuntime(config);
        const summary = await runBatch({
          runtime,
          questions,
          options: { persona: config.persona, voice: flags.voice, format: flags.format as AudioFormat, video: Boolean(flags.video), adapter: flags.adapter },
          outFolder,
          concurrency,
          stopSignal: stop.signal,
          signal: interrupt.signal,
          onProgress: (progress) => {
            if (progress.last?.status === 'failed') {
              bar.done();
              process.stderr.write(`persona: question ${progress.last.index + 1} ("${progress.last.id}") failed: ${progress.last.error}\n`);
            }
            const finished = progress.done + progress.failed;
            bar.update(progress.total > 0 ? finished / progress.total : 1, `${finished}/${progress.total} (${progress.failed} failed)`);
          },
        });
        bar.done();
        const failed = summary.results.filter((result) => result.status === 'failed');
        if (flags.json) {
          printJson({ ...summary, problems, index: path.join(outFolder, indexFileName) });
        } else {
          const skipped = summary.skipped > 0 ? `, ${summary.skipped} already done` : '';
          const notRun = summary.notRun > 0 ? `, ${summary.notRun} not run (stopped)` : '';
          process.stdout.write(
            `${summary.done} of ${summary.total} done${skipped}, ${summary.failed} failed${notRun}; ${summary.answersPerMinute.toFixed(1)} answers/min, ${formatDuration(summary.audioSeconds)} of audio, in ${formatDuration(summary.elapsedMs / 1000)}\n` +
              `Answers in ${outFolder} (index: ${indexFileName})\n`,
          );
        }
        if (failed.length > 0 || problems.length > 0) {
          process.stderr.write(
            `persona: ${failed.length} question${failed.length === 1 ? '' : 's'} failed${problems.length > 0 ? ` and ${problems.length} line${problems.length === 1 ? ' was' : 's were'} skipped` : ''}; rerun the same command to retry the failed ones\n`,
          );
          process.exitCode = 1;
        } else if (summary.notRun > 0) process.exitCode = 130;
      } finally {
        bar.done();
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    });
}

function formatDuration(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes} min ${Math.round(seconds % 60)} s`;
}
