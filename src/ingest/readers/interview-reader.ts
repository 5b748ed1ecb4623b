/**
 * Interview answers: the person's own replies to questions, the best evidence of how they
 * talk. Accepted as JSON, CSV (what a spreadsheet exports) or Markdown (what a person
 * types). Rows without both a question and an answer are skipped; a file with none at all
 * is refused, since it is then almost certainly not an interview.
 */
import { parse as parseCsv } from 'csv-parse/sync';
import path from 'node:path';
import { InputError } from '../../errors.js';
import type { InterviewRecord, SourceReader } from '../source-record.js';
import { decodeText } from './decode-text.js';
import { readFileWithinLimit } from './read-file-within-limit.js';

interface InterviewRow {
  question?: unknown;
  answer?: unknown;
  tone?: unknown;
  category?: unknown;
  date?: unknown;
}

const INTERVIEW_EXTENSIONS = new Set(['.json', '.csv', '.md', '.markdown']);
const CSV_DELIMITERS = [',', ';', '\t'] as const;
/** `Tone: warm`, also written `**Tone:** warm` or `- Tone: warm`. */
const FIELD_LINE = /^\s*(?:[-*]\s+)?(?:\*\*|__)?(tone|category|date)\s*:\s*(?:\*\*|__)?\s*(.*?)\s*$/i;

/** `*.interview(s).json|csv|md`, or any such file anywhere under a folder named `interview` or `interviews`. */
export function isInterviewFile(file: string): boolean {
  const extension = path.extname(file).toLowerCase();
  if (!INTERVIEW_EXTENSIONS.has(extension)) return false;
  if (/\.interviews?$/i.test(path.basename(file, path.extname(file)))) return true;
  return path
    .dirname(file)
    .split(/[\\/]/)
    .some((folder) => /^interviews?$/i.test(folder));
}

export function looksLikeInterviewJson(json: unknown): boolean {
  const rows = interviewRows(json);
  return rows !== undefined && rows.length > 0 && rows.slice(0, 5).some((row) => toRecord(row) !== undefined);
}

export function createInterviewReader(): SourceReader {
  return {
    type: 'interview',
    async *read(file, { signal, limits }) {
      const bytes = await readFileWithinLimit(file, limits, signal);
      const { text } = decodeText(bytes, file);
      const extension = path.extname(file).toLowerCase();
      const rows =
        extension === '.json' ? rowsFromJson(text, file) : extension === '.csv' ? rowsFromCsv(text, file) : rowsFromMarkdown(text);
      const records = rows.map(toRecord).filter((record) => record !== undefined);
      if (records.length === 0) {
        throw new InputError('input-unsupported', file, `no question with an answer among ${rows.length} interview rows`);
      }
      for (const record of records) {
        signal?.throwIfAborted();
        yield record;
      }
    },
  };
}

function rowsFromJson(text: string, file: string): InterviewRow[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new InputError('input-unreadable', file, `not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  const rows = interviewRows(json);
  if (!rows) {
    throw new InputError(
      'input-unsupported',
      file,
      'not an interview file: expected an array of {question, answer} or {"interviews": [...]}',
    );
  }
  return rows;
}

function interviewRows(json: unknown): InterviewRow[] | undefined {
  const list = Array.isArray(json) ? json : (json as { interviews?: unknown } | null)?.interviews;
  if (!Array.isArray(list)) return undefined;
  return list.map((row: unknown) => (typeof row === 'object' && row !== null ? (row as InterviewRow) : {}));
}

function rowsFromCsv(text: string, file: string): InterviewRow[] {
  let table: string[][];
  try {
    table = parseCsv(text, {
      delimiter: guessDelimiter(text),
      relax_column_count: true,
      skip_empty_lines: true,
      bom: true,
    });
  } catch (error) {
    throw new InputError('input-unreadable', file, `not valid CSV: ${(error as Error).message}`, { cause: error });
  }
  const [header, ...body] = table;
  const columns = (header ?? []).map((name) => name.trim().toLowerCase());
  if (!columns.includes('question') || !columns.includes('answer')) {
    throw new InputError('input-unsupported', file, 'the CSV header needs "question" and "answer" columns');
  }
  return body.map((cells) => {
    const row: Record<string, string> = {};
    columns.forEach((column, index) => {
      const cell = cells[index];
      if (cell !== undefined && !(column in row)) row[column] = cell;
    });
    return row;
  });
}

/** The header decides: whichever of comma, semicolon (European Excel) or tab it uses most. */
function guessDelimiter(text: string): string {
  const header = text.slice(0, text.indexOf('\n') === -1 ? text.length : text.indexOf('\n'));
  let best: string = CSV_DELIMITERS[0];
  let bestCount = 0;
  for (const delimiter of CSV_DELIMITERS) {
    const count = header.split(delimiter).length - 1;
    if (count > bestCount) {
      best = delimiter;
      bestCount = count;
    }
  }
  return best;
}

/**
 * `## Question` headings, each followed by its answer. `Tone:`, `Category:` and `Date:`
 * lines set those fields; before the first question they apply to every answer.
 */
function rowsFromMarkdown(text: string): InterviewRow[] {
  const rows: InterviewRow[] = [];
  const defaults: InterviewRow = {};
  let current: { row: InterviewRow; answer: string[]; started: boolean } | undefined;
  const finish = (): void => {
    if (!current) return;
    rows.push({ ...defaults, ...current.row, answer: current.answer.join('\n').trim() });
  };
  for (const line of text.split('\n')) {
    const heading = /^##[ \t]+(.+?)[ \t#]*$/.exec(line);
    if (heading?.[1]) {
      finish();
      current = { row: { question: heading[1].replace(/^(?:Q|Question)\s*\d*\s*[:.)-]\s*/i, '').trim() }, answer: [], started: false };
      continue;
    }
    const field = FIELD_LINE.exec(line);
    if (field?.[1] && field[2]) {
      (current ? current.row : defaults)[field[1].toLowerCase() as 'tone' | 'category' | 'date'] = field[2];
      continue;
    }
    if (!current) continue;
    current.answer.push(current.started ? line : line.replace(/^\s*(?:A|Answer)\s*:\s*/i, ''));
    if (line.trim() !== '') current.started = true;
  }
  finish();
  return rows;
}

function toRecord(row: InterviewRow): InterviewRecord | undefined {
  const question = cleanText(row.question);
  const answer = cleanText(row.answer);
  if (!question || !answer) return undefined;
  const record: InterviewRecord = { kind: 'interview', question, answer };
  const tone = cleanText(row.tone);
  if (tone) record.tone = tone;
  const category = cleanText(row.category);
  if (category) record.category = category;
  const date = typeof row.date === 'string' || typeof row.date === 'number' ? new Date(row.date) : undefined;
  if (date && !Number.isNaN(date.getTime())) record.date = date;
  return record;
}

function cleanText(value: unknown): string | undefined {
  return typeof value === 'string' ? value.trim() || undefined : undefined;
}
