import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { readQuestions } from '../../src/batch/read-questions.js';
import { InputError } from '../../src/errors.js';
import { temporaryFolder } from '../helpers/temporary-folder.js';

test('a .txt file: one question a line, comments and blank lines skipped, ids stable across runs', async (context) => {
  const folder = temporaryFolder(context);
  const file = path.join(folder, 'questions.txt');
  writeFileSync(file, '# morning questions\nWhat do you drink in the morning?\n\n   Where did you grow up?  \r\n# end\n');
  const first = await readQuestions(file);
  assert.deepEqual(first.problems, []);
  assert.deepEqual(first.questions.map((question) => [question.index, question.question]), [
    [0, 'What do you drink in the morning?'],
    [1, 'Where did you grow up?'],
  ]);
  assert.match(first.questions[0]!.id, /^[0-9a-f]{12}$/);
  assert.notEqual(first.questions[0]!.id, first.questions[1]!.id);
  writeFileSync(file, 'Where did you grow up?\n');
  assert.equal((await readQuestions(file)).questions[0]!.id, first.questions[1]!.id, 'the same text has the same id');
});

test('a .jsonl file: each bad line is a problem with its line number, the rest are read', async (context) => {
  const folder = temporaryFolder(context);
  const file = path.join(folder, 'questions.jsonl');
  writeFileSync(
    file,
    [
      JSON.stringify({ question: 'What do you drink in the morning?', id: 'coffee' }),
      '{"question": "unterminated',
      JSON.stringify({ id: 'no-question' }),
      JSON.stringify({ question: 'x'.repeat(4001) }),
      '',
      JSON.stringify({ question: 'Where did you grow up?', voice: 'meera' }),
      JSON.stringify({ question: 'Same id again', id: 'coffee' }),
      JSON.stringify({ question: 'A bad id', id: '../etc/passwd' }),
      '[1, 2]',
    ].join('\n'),
  );
  const { questions, problems } = await readQuestions(file);
  assert.deepEqual(
    questions.map((question) => [question.index, question.id, question.voice]),
    [
      [0, 'coffee', undefined],
      [1, questions[1]!.id, 'meera'],
    ],
  );
  assert.deepEqual(
    problems.map((problem) => problem.line),
    [2, 3, 4, 7, 8, 9],
  );
  assert.match(problems[0]!.reason, /invalid JSON/);
  assert.match(problems[1]!.reason, /no "question"/);
  assert.match(problems[2]!.reason, /4001 characters long; at most 4000/);
  assert.match(problems[3]!.reason, /id "coffee" is already used on line 1/);
  assert.match(problems[4]!.reason, /letters, digits/);
});

test('a .csv file: a question column with optional id, voice and persona; a header without "question" is refused', async (context) => {
  const folder = temporaryFolder(context);
  const file = path.join(folder, 'questions.csv');
  writeFileSync(file, 'ID,Question,Voice,Persona\nq1,"What do you drink, and when?",,\nq2,,,\nq3,Where did you grow up?,meera,meera\n');
  const { questions, problems } = await readQuestions(file);
  assert.deepEqual(questions, [
    { index: 0, id: 'q1', question: 'What do you drink, and when?' },
    { index: 1, id: 'q3', question: 'Where did you grow up?', persona: 'meera', voice: 'meera' },
  ]);
  assert.deepEqual(problems, [{ line: 3, reason: 'the question is empty' }]);

  const wrong = path.join(folder, 'wrong.csv');
  writeFileSync(wrong, 'prompt\nhello\n');
  await assert.rejects(readQuestions(wrong), (error: unknown) => error instanceof InputError && /wrong\.csv: has no "question" column \(columns: prompt\)/.test(error.message));
});

test('an unsupported or unreadable file is an InputError naming it', async (context) => {
  const folder = temporaryFolder(context);
  await assert.rejects(readQuestions(path.join(folder, 'missing.txt')), (error: unknown) => error instanceof InputError && error.code === 'input-unreadable' && /missing\.txt: cannot read the questions file: ENOENT/.test(error.message));
  const docx = path.join(folder, 'questions.docx');
  writeFileSync(docx, 'x');
  await assert.rejects(readQuestions(docx), (error: unknown) => error instanceof InputError && error.code === 'input-unsupported' && /questions\.docx/.test(error.message));
});
