/**
 * Interviews: answers stored verbatim with tone, category and how they were given; no
 * question asked twice; imports through the ingestion's reader; a session with no terminal
 * and nothing piped in refuses instead of waiting.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { after, before, test } from 'node:test';
import { InputError, PersonaError } from '../../../src/errors.js';
import { chooseQuestions } from '../../../src/persona/interview/choose-questions.js';
import { guessTone } from '../../../src/persona/interview/guess-tone.js';
import { importInterviews } from '../../../src/persona/interview/import-interviews.js';
import { NoAnswersError, runInterviewSession } from '../../../src/persona/interview/interview-session.js';
import { interviewCategories, questionBank } from '../../../src/persona/interview/question-bank.js';
import { saveInterviewAnswer } from '../../../src/persona/interview/save-answer.js';
import { openStore, type Store } from '../../../src/store/store.js';
import { makeTemporaryFolder } from '../../helpers/temporary-folder-per-file.js';
import { testConfig } from '../../helpers/test-config.js';

const home = makeTemporaryFolder('interview');
const chunking = { targetTokens: 500, overlapTokens: 60 };
const limits = { maxFileBytes: 1024 ** 2, maxUnzippedBytes: 1024 ** 2 };
let store: Store;

before(() => {
  store = openStore(testConfig(home));
});

after(() => store.close());

function sink(): Writable & { text: () => string } {
  const parts: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      parts.push(chunk.toString('utf8'));
      done();
    },
  });
  return Object.assign(stream, { text: () => parts.join('') });
}

interface InterviewRow {
  question: string;
  answer: string;
  tone: string;
  category: string | null;
  via: string;
  item_id: number;
}

function interviews(persona: string): InterviewRow[] {
  return store.database.prepare('SELECT question, answer, tone, category, via, item_id FROM interviews WHERE persona_id = ? ORDER BY id').all(persona) as InterviewRow[];
}

test('the bank has at least 60 open-ended questions over the five categories', () => {
  assert.ok(questionBank.length >= 60, `${questionBank.length} questions`);
  for (const category of interviewCategories) assert.ok(questionBank.filter((question) => question.category === category).length >= 10, category);
  assert.equal(new Set(questionBank.map((question) => question.text)).size, questionBank.length);
  for (const question of questionBank) assert.doesNotMatch(question.text, /^(do|did|are|is|have|would you rather) /i, question.text);
});

test('a terminal session stores each answer verbatim, with tone, category and via, and as a retrievable item', async () => {
  const questions = questionBank.slice(0, 4);
  // Unicode, doubled inner spaces and trailing spaces; a `\` line end makes a line break.
  const first = 'நல்லது தான்,  I loved the  monsoon 🌧️   ';
  const input = Readable.from([`${first}\n`, 'Rain on the roof.\\\n', '  Appa with his vessels, years ago.  \n', '\n', 'q\n']);
  const output = sink();
  const result = await runInterviewSession({
    questions,
    input,
    output,
    interactive: false,
    save: (answer) => saveInterviewAnswer(store.database, 'asha', answer, chunking),
  });
  assert.deepEqual(result, { answered: 2, skipped: 1, duplicates: 0, stopped: true });
  assert.match(output.text(), new RegExp(questions[0]!.text.replace(/[?.()]/g, '\\$&')));

  const rows = interviews('asha');
  assert.equal(rows.length, 2);
  assert.deepEqual(
    rows.map(({ question, answer, tone, category, via }) => ({ question, answer, tone, category, via })),
    [
      { question: questions[0]!.text, answer: first, tone: 'positive', category: questions[0]!.category, via: 'typed' },
      { question: questions[1]!.text, answer: 'Rain on the roof.\n  Appa with his vessels, years ago.  ', tone: 'wistful', category: questions[1]!.category, via: 'typed' },
    ],
  );
  const passage = store.database
    .prepare("SELECT items.kind, passages.text, passages.is_persona FROM passages JOIN items ON items.id = passages.item_id WHERE items.id = ? AND passages.role = 'body'")
    .get(rows[0]!.item_id) as { kind: string; text: string; is_persona: number };
  assert.deepEqual(passage, { kind: 'interview', text: first, is_persona: 1 });
  const chunks = store.database.prepare('SELECT count(*) FROM chunks WHERE item_id = ?').pluck().get(rows[0]!.item_id) as number;
  assert.ok(chunks >= 1);
  // Held by a source of its own, so re-ingesting other files never sweeps it away.
  const source = store.database.prepare('SELECT sources.path FROM item_sources JOIN sources ON sources.id = item_sources.source_id WHERE item_id = ?').pluck().get(rows[0]!.item_id);
  assert.equal(source, 'persona interview (typed)');
});

test('an answer stored twice is one answer', () => {
  const answer = { question: 'What makes you lose track of time?', answer: 'Drawing sections of bridges.', via: 'typed' as const, category: 'psychology' };
  assert.equal(saveInterviewAnswer(store.database, 'ravi', answer, chunking).added, true);
  assert.equal(saveInterviewAnswer(store.database, 'ravi', answer, chunking).added, false);
  assert.equal(interviews('ravi').length, 1);
  assert.throws(() => saveInterviewAnswer(store.database, 'ravi', { ...answer, answer: '  \n ' }, chunking), /the answer is empty/);
});

test('questions already answered are never asked again, however they are written', async () => {
  const bankFirst = await chooseQuestions(store.database, 'kiran', { count: 5 });
  assert.equal(bankFirst.origin, 'bank');
  assert.deepEqual(bankFirst.questions.map((question) => question.category), [...interviewCategories]);
  const target = bankFirst.questions[0]!;
  // Different case, spacing and punctuation: still the same question.
  saveInterviewAnswer(store.database, 'kiran', { question: `  ${target.text.toUpperCase().replace('?', ' ??')}`, answer: 'By walking.', via: 'typed' }, chunking);
  const next = await chooseQuestions(store.database, 'kiran', { count: 200 });
  assert.ok(!next.questions.some((question) => question.text === target.text));
  assert.equal(next.questions.length, questionBank.length - 1);

  const memories = await chooseQuestions(store.database, 'kiran', { count: 3, topics: ['memories'] });
  assert.ok(memories.questions.every((question) => question.category === 'memories'));
  await assert.rejects(chooseQuestions(store.database, 'kiran', { topics: ['cricket'] }), (error: PersonaError) => /--topics: .*"cricket"/.test(error.message));
  await assert.rejects(chooseQuestions(store.database, 'kiran', { count: 0 }), /--count/);
});

test('import reads JSON, CSV and Markdown interviews; a re-import replaces rather than duplicates', async () => {
  const csv = path.resolve('examples/meera-krishnan/interviews/more.interview.csv');
  const first = await importInterviews(store.database, 'meera', csv, { chunking, limits });
  assert.ok(first.answers > 0);
  assert.equal(first.added, first.answers);
  const again = await importInterviews(store.database, 'meera', csv, { chunking, limits });
  assert.equal(again.added, first.answers);
  assert.equal(interviews('meera').length, first.answers);
  assert.ok(interviews('meera').every((row) => row.via === 'imported' && row.tone));

  const markdown = path.join(home, 'notes.md');
  writeFileSync(markdown, '## What do you cook when you are tired?\n\nRasam, always. Nothing else comforts me.\n\n## Empty one\n');
  const fromMarkdown = await importInterviews(store.database, 'meera', markdown, { chunking, limits });
  assert.deepEqual({ answers: fromMarkdown.answers, added: fromMarkdown.added }, { answers: 1, added: 1 });
  const row = interviews('meera').find((entry) => entry.question === 'What do you cook when you are tired?');
  assert.equal(row?.answer, 'Rasam, always. Nothing else comforts me.');

  const broken = path.join(home, 'broken.json');
  writeFileSync(broken, '{"interviews": [');
  await assert.rejects(importInterviews(store.database, 'meera', broken, { chunking, limits }), (error: InputError) => error instanceof InputError && error.path === broken && /not valid JSON/.test(error.message));
  await assert.rejects(importInterviews(store.database, 'meera', path.join(home, 'absent.csv'), { chunking, limits }), /absent\.csv: no such file/);
  await assert.rejects(importInterviews(store.database, 'meera', path.join(home, 'answers.txt'), { chunking, limits }), /answers\.txt: an interview file is \.json, \.csv or \.md/);
});

test('with no terminal and nothing piped in, the session refuses instead of waiting', async () => {
  const save = (): never => assert.fail('nothing to save');
  await assert.rejects(
    runInterviewSession({ questions: questionBank.slice(0, 2), input: Readable.from([]), output: sink(), interactive: false, save }),
    (error: unknown) => error instanceof NoAnswersError && /no answers were piped in/.test(error.message),
  );
  // A pipe left open with nothing in it.
  const silent = new Readable({ read() {} });
  await assert.rejects(
    runInterviewSession({ questions: questionBank.slice(0, 2), input: silent, output: sink(), interactive: false, save, firstLineTimeoutMs: 50 }),
    (error: unknown) => error instanceof NoAnswersError && /no answers arrived/.test(error.message),
  );
  silent.destroy();
});

test('tone is guessed from cue words, neutral when there are none or they tie', () => {
  assert.equal(guessTone('I love these mornings, they make me happy.'), 'positive');
  assert.equal(guessTone('I hate the traffic and I am worried about it.'), 'negative');
  assert.equal(guessTone('I remember the house we used to live in, years ago.'), 'wistful');
  assert.equal(guessTone('haha, that was a joke 😂'), 'playful');
  assert.equal(guessTone('The beam is 300 mm deep.'), 'neutral');
  assert.equal(guessTone('I love it and I hate it.'), 'neutral');
  // Whole words only: "glove" is not "love".
  assert.equal(guessTone('A glove and a gladiolus.'), 'neutral');
});
