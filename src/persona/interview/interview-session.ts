/**
 * The interview in a terminal: each question in turn, the answer read from the input and
 * stored at once (a session cut short keeps what was answered).
 *
 * - An answer is one line; a line ending in `\` goes on to the next line (the `\` becomes a
 *   line break), so answers can have paragraphs. Everything else is kept verbatim.
 * - An empty line skips the question; `q` on its own quits.
 * - With a transcriber (`--voice`), an answer that is the path of an existing file is
 *   transcribed (a recording made with any recorder) and stored as spoken.
 * - Piped answers (no terminal) are read the same way, one per question. With no terminal
 *   and nothing piped in, the session refuses rather than waiting forever.
 */
import { existsSync, statSync } from 'node:fs';
import readline from 'node:readline';
import { PersonaError } from '../../errors.js';
import type { InterviewQuestion } from './question-bank.js';
import type { InterviewAnswer, SavedAnswer } from './save-answer.js';

export interface InterviewSessionOptions {
  questions: readonly InterviewQuestion[];
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  /** True when the input is a terminal. */
  interactive: boolean;
  /** Turns an audio file into text; given with `--voice`. */
  transcribe?: (file: string, signal?: AbortSignal) => Promise<string>;
  save: (answer: InterviewAnswer) => SavedAnswer;
  signal?: AbortSignal;
  /** Without a terminal: how long to wait for the first piped line before refusing. Default 10 s. */
  firstLineTimeoutMs?: number;
}

export interface InterviewSessionResult {
  answered: number;
  skipped: number;
  /** Answers the store already held word for word. */
  duplicates: number;
  /** The person typed `q` (or the input ended) before the last question. */
  stopped: boolean;
}

export class NoAnswersError extends PersonaError {
  constructor(reason: string) {
    super('input-unreadable', `stdin is not a terminal and ${reason}: run \`persona interview\` in a terminal, or pipe answers in, one line per question (an empty line skips one)`);
    this.name = 'NoAnswersError';
  }
}

export async function runInterviewSession(options: InterviewSessionOptions): Promise<InterviewSessionResult> {
  const { output, questions, signal } = options;
  const lines = readline.createInterface({ input: options.input, terminal: false, crlfDelay: Number.POSITIVE_INFINITY });
  const iterator = lines[Symbol.asyncIterator]();
  const result: InterviewSessionResult = { answered: 0, skipped: 0, duplicates: 0, stopped: false };
  let linesRead = 0;

  const nextLine = async (): Promise<string | undefined> => {
    const next = iterator.next();
    const waits: Promise<IteratorResult<string> | 'timeout' | 'aborted'>[] = [next];
    let timer: NodeJS.Timeout | undefined;
    if (!options.interactive && linesRead === 0) {
      waits.push(new Promise((resolve) => (timer = setTimeout(() => resolve('timeout'), options.firstLineTimeoutMs ?? 10_000))));
    }
    if (signal) waits.push(new Promise((resolve) => signal.addEventListener('abort', () => resolve('aborted'), { once: true })));
    if (signal?.aborted) return undefined;
    try {
      const outcome = await Promise.race(waits);
      if (outcome === 'timeout') throw new NoAnswersError(`no answers arrived within ${Math.round((options.firstLineTimeoutMs ?? 10_000) / 1000)} s`);
      if (outcome === 'aborted' || outcome.done) return undefined;
      linesRead += 1;
      return outcome.value;
    } finally {
      clearTimeout(timer);
    }
  };

  const readAnswer = async (): Promise<string | undefined> => {
    const parts: string[] = [];
    for (;;) {
      const line = await nextLine();
      if (line === undefined) return parts.length > 0 ? parts.join('\n') : undefined;
      if (line.endsWith('\\')) {
        parts.push(line.slice(0, -1));
        if (options.interactive) output.write('… ');
        continue;
      }
      parts.push(line);
      return parts.join('\n');
    }
  };

  try {
    if (options.interactive) {
      output.write(`${questions.length} questions. Type your answer and press Enter (end a line with \\ to go on to the next line); an empty line skips, q quits.${options.transcribe ? ' To answer by voice, type the path of a recording.' : ''}\n`);
    }
    for (const [index, question] of questions.entries()) {
      output.write(`\n(${index + 1}/${questions.length}, ${question.category}) ${question.text}\n${options.interactive ? '> ' : ''}`);
      const answer = await readAnswer();
      if (answer === undefined) {
        if (!options.interactive && linesRead === 0) throw new NoAnswersError('no answers were piped in');
        result.stopped = true;
        break;
      }
      if (answer.trim().toLowerCase() === 'q') {
        result.stopped = true;
        break;
      }
      if (answer.trim() === '') {
        result.skipped += 1;
        continue;
      }
      let text = answer;
      let via: InterviewAnswer['via'] = 'typed';
      const recording = options.transcribe ? audioFilePath(answer) : undefined;
      if (recording && options.transcribe) {
        text = await options.transcribe(recording, signal);
        via = 'spoken';
        if (!text.trim()) {
          output.write('(heard nothing in that recording; skipped)\n');
          result.skipped += 1;
          continue;
        }
        output.write(`(heard: ${text})\n`);
      }
      const saved = options.save({ question: question.text, answer: text, category: question.category, via });
      if (saved.added) result.answered += 1;
      else result.duplicates += 1;
    }
  } finally {
    lines.close();
  }
  return result;
}

/** The answer names an existing file: a recording to transcribe. */
function audioFilePath(answer: string): string | undefined {
  const candidate = answer.trim().replace(/^(['"])(.*)\1$/, '$2');
  if (!candidate || candidate.includes('\n')) return undefined;
  try {
    return existsSync(candidate) && statSync(candidate).isFile() ? candidate : undefined;
  } catch {
    return undefined;
  }
}
