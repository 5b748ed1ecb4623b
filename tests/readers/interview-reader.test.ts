import iconv from 'iconv-lite';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { createInterviewReader, isInterviewFile, looksLikeInterviewJson } from '../../src/ingest/readers/interview-reader.js';
import type { InterviewRecord } from '../../src/ingest/source-record.js';
import { expectInputError } from '../helpers/expect-input-error.js';
import { readRecords } from '../helpers/read-records.js';
import { makeTemporaryFolder } from '../helpers/temporary-folder-per-file.js';

const folder = makeTemporaryFolder('interview-reader');
const reader = createInterviewReader();

function write(name: string, content: string | Buffer): string {
  const file = path.join(folder, name);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, content);
  return file;
}

async function readInterview(file: string): Promise<InterviewRecord[]> {
  return (await readRecords(reader, file)) as InterviewRecord[];
}

describe('interview reader', () => {
  test('reads a JSON array, skipping rows without both question and answer', async () => {
    const rows = [
      { question: 'What got you into mathematics?', answer: 'My mother insisted on it.', tone: 'warm', category: 'childhood', date: '2024-05-01' },
      { question: 'An unanswered question?' },
      { answer: 'An answer without a question.' },
      { question: '  ', answer: 'Blank question.' },
      'not even an object',
      { question: 'Poetry or science?', answer: 'Poetical science.' },
    ];
    const records = await readInterview(write('ada.interview.json', JSON.stringify(rows)));
    assert.deepEqual(records, [
      {
        kind: 'interview',
        question: 'What got you into mathematics?',
        answer: 'My mother insisted on it.',
        tone: 'warm',
        category: 'childhood',
        date: new Date('2024-05-01'),
      },
      { kind: 'interview', question: 'Poetry or science?', answer: 'Poetical science.' },
    ]);
  });

  test('reads {"interviews": [...]} from a file in an interviews folder', async () => {
    const file = write('interviews/session-1.json', JSON.stringify({ interviews: [{ question: 'Q?', answer: 'A.' }] }));
    assert.deepEqual(await readInterview(file), [{ kind: 'interview', question: 'Q?', answer: 'A.' }]);
  });

  test('reads CSV with quoted commas and line breaks, whatever the header case', async () => {
    const csv = 'Question,Answer,Tone,Category\r\n"Why engines?","Because, as I wrote,\r\nthey weave patterns.",reflective,work\r\nNo answer here,,,\r\n';
    const records = await readInterview(write('ada.interview.csv', csv));
    assert.deepEqual(records, [
      {
        kind: 'interview',
        question: 'Why engines?',
        answer: 'Because, as I wrote,\nthey weave patterns.',
        tone: 'reflective',
        category: 'work',
      },
    ]);
  });

  test('reads a semicolon-separated windows-1252 CSV, as European Excel saves it', async () => {
    const csv = 'question;answer\n"Café or tea?";"Café — always."\n';
    const records = await readInterview(write('excel.interview.csv', iconv.encode(csv, 'windows-1252')));
    assert.deepEqual(records, [{ kind: 'interview', question: 'Café or tea?', answer: 'Café — always.' }]);
  });

  test('reads Markdown: ## questions, answer paragraphs, Tone/Category lines, file-wide defaults', async () => {
    const markdown = [
      '# Interview with Ada, May 2024',
      'Date: 2024-05-02',
      'Category: general',
      '',
      '## Q1: What is your favourite number?',
      'Tone: playful',
      '',
      'A: Seven, obviously.',
      '',
      'It has a certain **character**.',
      '',
      '## How do you work?',
      '**Category:** work',
      'Slowly, then all at once.',
      '',
      '## A question never answered',
      '',
    ].join('\n');
    const records = await readInterview(write('ada.interview.md', markdown));
    assert.deepEqual(records, [
      {
        kind: 'interview',
        question: 'What is your favourite number?',
        answer: 'Seven, obviously.\n\nIt has a certain **character**.',
        tone: 'playful',
        category: 'general',
        date: new Date('2024-05-02'),
      },
      { kind: 'interview', question: 'How do you work?', answer: 'Slowly, then all at once.', category: 'work', date: new Date('2024-05-02') },
    ]);
  });

  test('refuses files with no valid row, malformed JSON, and CSV without the columns', async () => {
    const noRows = write('empty.interview.json', JSON.stringify([{ question: 'Q only' }]));
    await expectInputError(readRecords(reader, noRows), 'input-unsupported', noRows, /no question with an answer among 1 interview rows/);
    const broken = write('broken.interview.json', '[{"question": ');
    await expectInputError(readRecords(reader, broken), 'input-unreadable', broken, /^not valid JSON: /);
    const wrongShape = write('shape.interview.json', '{"questions": []}');
    await expectInputError(readRecords(reader, wrongShape), 'input-unsupported', wrongShape, /not an interview file/);
    const columns = write('columns.interview.csv', 'prompt,reply\nQ,A\n');
    await expectInputError(readRecords(reader, columns), 'input-unsupported', columns, /"question" and "answer" columns/);
    const markdown = write('nothing.interview.md', 'Just some prose, no questions.');
    await expectInputError(readRecords(reader, markdown), 'input-unsupported', markdown, /no question with an answer among 0/);
  });

  test('recognises interview files by name and folder, and interview JSON by shape', () => {
    assert.equal(isInterviewFile('/data/ada.interview.json'), true);
    assert.equal(isInterviewFile('/data/ada.INTERVIEW.csv'), true);
    assert.equal(isInterviewFile('/data/ada.interviews.md'), true);
    assert.equal(isInterviewFile('/data/Interviews/2024/may.md'), true);
    assert.equal(isInterviewFile('/data/interview/notes.json'), true);
    assert.equal(isInterviewFile('/data/interview/photo.png'), false);
    assert.equal(isInterviewFile('/data/interviewing-tips.md'), false);
    assert.equal(looksLikeInterviewJson([{ question: 'q', answer: 'a' }]), true);
    assert.equal(looksLikeInterviewJson({ interviews: [{ question: 'q', answer: 'a' }] }), true);
    assert.equal(looksLikeInterviewJson([{ mapping: {} }]), false);
    assert.equal(looksLikeInterviewJson([]), false);
    assert.equal(looksLikeInterviewJson(null), false);
  });
});
