import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cleanEmail } from '../../src/ingest/clean/clean-email.js';
import { isGreetingLine } from '../../src/ingest/clean/greeting-detector.js';

test('a greeting on the first line is removed and returned', () => {
  for (const greeting of ['Hi Bob,', 'Hello all,', 'Dear Ms. Smith,', 'Hey!', 'Good morning team,', 'Vanakkam,', 'Bonjour Claire,', 'Hallo Jan,', 'Hola Mateo:', 'Bob,', 'Hi,', 'வணக்கம்,']) {
    const cleaned = cleanEmail({ text: `${greeting}\n\nThe draft is in the shared folder.` });
    assert.equal(cleaned.greeting, greeting, greeting);
    assert.equal(cleaned.text, 'The draft is in the shared folder.', greeting);
    assert.equal(cleaned.removed.greeting, 1, greeting);
  }
});

test('a first line that goes on into the message is not a greeting', () => {
  for (const line of ['Hi Bob, can you send the report?', 'Hey, quick question: is the room free?', 'Sure, that works.', 'Morning meeting moved to 11.', 'Yes,']) {
    assert.equal(isGreetingLine(line), false, line);
  }
});

test('a message that is only a greeting keeps it as the text', () => {
  const cleaned = cleanEmail({ text: 'Hey!' });
  assert.equal(cleaned.text, 'Hey!');
  assert.equal(cleaned.greeting, undefined);
  assert.equal(cleaned.removed.greeting, 0);
});
