/**
 * Runs every email in tests/fixtures/emails-clean through the cleaner. Each fixture's
 * `.expected.txt` is the exact visible text (the spec); the optional `.expected.json`
 * gives the author names to pass, the expected greeting and sign-off, the quoted
 * blocks' origins, and removal counts. An overall line score is printed at the end.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { cleanEmail } from '../../src/ingest/clean/clean-email.js';
import type { RemovedLineCounts } from '../../src/ingest/clean/cleaned-email.js';
import { addScores, formatScore, scoreLines, type LineScore } from './fixture-score.js';

interface ExpectedQuote {
  kind: 'quote' | 'forward';
  name?: string;
  address?: string;
  subject?: string;
  dateText?: string;
  text?: string;
}

interface FixtureExpectations {
  authorNames?: string[];
  greeting?: string;
  signOff?: string;
  quotes?: ExpectedQuote[];
  removed?: RemovedLineCounts;
  removedAtLeast?: Partial<RemovedLineCounts>;
}

const fixtureFolder = fileURLToPath(new URL('../fixtures/emails-clean/', import.meta.url));
const inputs = readdirSync(fixtureFolder)
  .filter((name) => /\.(txt|html)$/.test(name) && !name.includes('.expected.'))
  .sort();
const scores: LineScore[] = [];
let greetingsRight = 0;
let signOffsRight = 0;

function readExpectations(base: string): FixtureExpectations {
  try {
    return JSON.parse(readFileSync(join(fixtureFolder, `${base}.expected.json`), 'utf8')) as FixtureExpectations;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
}

test('the fixture set is big enough to mean something', () => {
  assert.ok(inputs.length >= 20, `only ${inputs.length} fixtures`);
});

for (const input of inputs) {
  const base = input.replace(/\.(txt|html)$/, '');
  test(`fixture ${input}`, () => {
    const body = readFileSync(join(fixtureFolder, input), 'utf8');
    const expectedText = readFileSync(join(fixtureFolder, `${base}.expected.txt`), 'utf8').trimEnd();
    const expectations = readExpectations(base);
    const cleaned = cleanEmail(input.endsWith('.html') ? { html: body } : { text: body }, {
      authorNames: expectations.authorNames ?? [],
    });
    scores.push(scoreLines(cleaned.text, expectedText));
    if (cleaned.greeting === expectations.greeting) greetingsRight++;
    if (cleaned.signOff === expectations.signOff) signOffsRight++;

    assert.equal(cleaned.text, expectedText);
    assert.equal(cleaned.greeting, expectations.greeting, 'greeting');
    assert.equal(cleaned.signOff, expectations.signOff, 'sign-off');
    if (expectations.quotes !== undefined) {
      assert.equal(cleaned.quotes.length, expectations.quotes.length, 'number of quoted blocks');
      expectations.quotes.forEach((expected, index) => {
        const actual = cleaned.quotes[index];
        assert.ok(actual !== undefined);
        assert.ok(actual.text.length > 0, `quote ${index} has text`);
        assert.doesNotMatch(actual.text, /^>/m, `quote ${index} keeps no > markers`);
        assert.equal(actual.kind, expected.kind, `quote ${index} kind`);
        if (expected.name !== undefined) assert.equal(actual.author?.name, expected.name, `quote ${index} author name`);
        if (expected.address !== undefined) assert.equal(actual.author?.address, expected.address, `quote ${index} address`);
        if (expected.subject !== undefined) assert.equal(actual.subject, expected.subject, `quote ${index} subject`);
        if (expected.dateText !== undefined) assert.equal(actual.dateText, expected.dateText, `quote ${index} date`);
        if (expected.text !== undefined) assert.equal(actual.text, expected.text, `quote ${index} text`);
      });
    }
    if (expectations.removed !== undefined) assert.deepEqual(cleaned.removed, expectations.removed);
    for (const [rule, minimum] of Object.entries(expectations.removedAtLeast ?? {})) {
      const count = cleaned.removed[rule as keyof RemovedLineCounts];
      assert.ok(count >= (minimum ?? 0), `removed.${rule} is ${count}, expected at least ${minimum}`);
    }
  });
}

after(() => {
  const total = addScores(scores);
  console.log(`email cleaning, ${scores.length} fixtures: ${formatScore(total)}`);
  console.log(`greetings right ${greetingsRight}/${scores.length}, sign-offs right ${signOffsRight}/${scores.length}`);
});
