/**
 * A questions file for `persona batch`: `.txt` (one question a line; `#` comments and blank
 * lines skipped), `.csv` (a `question` column, optional `id`, `voice`, `persona`) or `.jsonl`
 * (`{"question", "id"?, "voice"?, "persona"?}` a line). A bad line becomes a problem with its
 * line number and the rest of the file still counts; a file that cannot be read at all is an
 * InputError naming it.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { InputError } from '../errors.js';
import type { BatchQuestion } from './batch-item.js';
import { isSafeQuestionId, questionId } from './question-id.js';

/** A question longer than this is a pasted document, not a question. */
export const maximumQuestionCharacters = 4000;
/** More than this in one file is a mistake (and a run of days). */
export const maximumQuestions = 10_000;

export interface QuestionProblem {
  line: number;
  reason: string;
}

export interface ReadQuestionsResult {
  questions: BatchQuestion[];
  problems: QuestionProblem[];
}

/** One entry as a file or an HTTP request gives it, before checks. */
export interface QuestionInput {
  question?: unknown;
  id?: unknown;
  voice?: unknown;
  persona?: unknown;
}

export async function readQuestions(file: string): Promise<ReadQuestionsResult> {
  const extension = path.extname(file).toLowerCase();
  if (!['.txt', '.csv', '.jsonl'].includes(extension)) {
    throw new InputError('input-unsupported', file, `questions come in .txt (one a line), .csv (a "question" column) or .jsonl, not ${extension || 'a file without an extension'}`);
  }
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new InputError('input-unreadable', file, `cannot read the questions file: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, { cause: error });
  }
  text = text.replace(/^\uFEFF/, '');
  const entries: { line: number; input: QuestionInput }[] = [];
  const problems: QuestionProblem[] = [];
  if (extension === '.txt') {
    text.split(/\r?\n/).forEach((raw, index) => {
      const line = raw.trim();
      if (line && !line.startsWith('#')) entries.push({ line: index + 1, input: { question: line } });
    });
  } else if (extension === '.jsonl') {
    text.split(/\r?\n/).forEach((raw, index) => {
      const line = raw.trim();
      if (!line) return;
      try {
        const value = JSON.parse(line) as unknown;
        if (typeof value !== 'object' || value === null || Array.isArray(value)) problems.push({ line: index + 1, reason: 'not a JSON object with a "question"' });
        else entries.push({ line: index + 1, input: value as QuestionInput });
      } catch (error) {
        problems.push({ line: index + 1, reason: `invalid JSON: ${(error as Error).message}` });
      }
    });
  } else {
    entries.push(...readCsv(file, text, problems));
  }
  const checked = checkQuestions(entries);
  problems.push(...checked.problems);
  problems.sort((a, b) => a.line - b.line);
  if (checked.questions.length > maximumQuestions) {
    throw new InputError('input-too-large', file, `holds ${checked.questions.length} questions; at most ${maximumQuestions} per batch`);
  }
  return { questions: checked.questions, problems };
}

function readCsv(file: string, text: string, problems: QuestionProblem[]): { line: number; input: QuestionInput }[] {
  let records: { record: Record<string, string>; info: { lines: number } }[];
  try {
    records = parse(text, {
      columns: (header: string[]) => header.map((name) => name.trim().toLowerCase()),
      info: true,
      skip_empty_lines: true,
      trim: true,
      relax_column_count: true,
      skip_records_with_error: true,
      on_skip: (error) => {
        if (error) problems.push({ line: (error as { lines?: number }).lines ?? 0, reason: error.message });
        return undefined;
      },
    }) as unknown as { record: Record<string, string>; info: { lines: number } }[];
  } catch (error) {
    throw new InputError('input-unreadable', file, `not a readable CSV file: ${(error as Error).message}`, { cause: error });
  }
  if (records.length > 0 && !('question' in records[0]!.record)) {
    throw new InputError('input-unsupported', file, `has no "question" column (columns: ${Object.keys(records[0]!.record).join(', ')})`);
  }
  return records.map(({ record, info }) => ({
    line: info.lines,
    input: { question: record.question, id: record.id || undefined, voice: record.voice || undefined, persona: record.persona || undefined },
  }));
}

/**
 * Checks entries from a file or a request: a question (text, not empty, not too long), a safe
 * id (or one made from the text) that no earlier entry has. Entries are numbered in order of
 * the ones that pass.
 */
export function checkQuestions(entries: readonly { line: number; input: QuestionInput }[]): ReadQuestionsResult {
  const questions: BatchQuestion[] = [];
  const problems: QuestionProblem[] = [];
  const seen = new Map<string, number>();
  for (const { line, input } of entries) {
    const reason = problemWith(input);
    if (reason) {
      problems.push({ line, reason });
      continue;
    }
    const question = (input.question as string).trim();
    const id = typeof input.id === 'string' || typeof input.id === 'number' ? String(input.id).trim() : questionId(question);
    const earlier = seen.get(id);
    if (earlier !== undefined) {
      problems.push({ line, reason: input.id === undefined ? `the same question as line ${earlier}` : `id "${id}" is already used on line ${earlier}` });
      continue;
    }
    seen.set(id, line);
    questions.push({
      index: questions.length,
      id,
      question,
      ...(typeof input.persona === 'string' ? { persona: input.persona.trim() } : {}),
      ...(typeof input.voice === 'string' ? { voice: input.voice.trim() } : {}),
    });
  }
  return { questions, problems };
}

function problemWith(input: QuestionInput): string | undefined {
  if (input.question === undefined || input.question === null) return 'no "question"';
  if (typeof input.question !== 'string') return '"question" must be text';
  const question = input.question.trim();
  if (!question) return 'the question is empty';
  if (question.length > maximumQuestionCharacters) return `the question is ${question.length} characters long; at most ${maximumQuestionCharacters}`;
  if (input.id !== undefined && input.id !== null) {
    if (typeof input.id !== 'string' && typeof input.id !== 'number') return '"id" must be text or a number';
    if (!isSafeQuestionId(String(input.id).trim())) return `id "${String(input.id)}" must be 1–64 letters, digits, "-" or "_" (it names the output files)`;
  }
  for (const field of ['persona', 'voice'] as const) {
    const value = input[field];
    if (value !== undefined && value !== null && (typeof value !== 'string' || !/^[a-z0-9][a-z0-9_-]*$/i.test(value.trim()))) {
      return `"${field}" must be a name of letters, digits, "-" and "_"`;
    }
  }
  return undefined;
}
