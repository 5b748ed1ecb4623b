import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createPersonaIdentity } from '../../src/ingest/persona-identity.js';
import { prepareChat, prepareDocument, prepareInterview } from '../../src/ingest/prepare-item.js';
import type { DocumentRecord } from '../../src/ingest/source-record.js';

const identity = createPersonaIdentity(['Meera@Kaveri-Bridgeworks.example', 'Meera Krishnan']);

test('the persona is recognised by address in any case, and by name in any order or accent', () => {
  assert.ok(identity.matches({ address: 'meera@kaveri-bridgeworks.example' }));
  assert.ok(identity.matches({ name: 'Krishnan, Meera' }));
  assert.ok(identity.matches({ name: '"meera krishnan"' }));
  assert.ok(identity.matches('MEERA KRISHNAN'));
  assert.ok(identity.matches({ name: 'Someone Else', address: 'meera@kaveri-bridgeworks.example' }));
  assert.ok(!identity.matches({ name: 'Meera' }), 'a first name alone is not enough');
  assert.ok(!identity.matches({ name: 'Tom Okafor', address: 'tom@kaveri-bridgeworks.example' }));
  assert.ok(!identity.matches(undefined));
  assert.ok(createPersonaIdentity(['José Núñez']).matches({ name: 'Jose Nunez' }));
});

function document(author?: string): DocumentRecord {
  return { kind: 'document', title: 'Deck note', author, format: 'pdf', pages: [{ page: 1, text: 'Text.' }] };
}

test('documents: the persona\'s unless metadata or the email that carried them says otherwise', () => {
  const tom = { name: 'Tom Okafor', address: 'tom@kaveri-bridgeworks.example' };
  const meera = { name: 'Meera Krishnan', address: 'meera@kaveri-bridgeworks.example' };
  assert.equal(prepareDocument(document(), identity).isPersona, true, 'a file in her corpus without metadata');
  assert.equal(prepareDocument(document('Microsoft Office User'), identity).isPersona, true, 'placeholder metadata says nothing');
  assert.equal(prepareDocument(document('Meera Krishnan'), identity).isPersona, true);
  assert.equal(prepareDocument(document('Priya Raman'), identity).isPersona, false, 'metadata names someone else');
  assert.equal(prepareDocument(document(), identity, tom).isPersona, false, 'attached by Tom');
  assert.equal(prepareDocument(document('Tom Okafor'), identity, tom).author?.address, 'tom@kaveri-bridgeworks.example');
  assert.equal(prepareDocument(document('Meera Krishnan'), identity, tom).isPersona, true, 'her document, forwarded back by Tom');
  assert.equal(prepareDocument(document(), identity, meera).isPersona, true, 'attached by her');
  const addressesOnly = createPersonaIdentity(['meera@kaveri-bridgeworks.example']);
  assert.equal(prepareDocument(document('Priya Raman'), addressesOnly).isPersona, true, 'without her names there is nothing to compare');
});

test('chats: the account holder is the persona, the answered message is context', () => {
  const item = prepareChat({
    kind: 'chat',
    conversationId: 'c1',
    messageId: 'm2',
    text: 'But what about the second harmonic?',
    context: { author: 'ChatGPT', text: 'The first mode is at 1.4 Hz.' },
  });
  assert.deepEqual(
    item.passages.map((passage) => [passage.role, passage.isPersona]),
    [
      ['body', true],
      ['context', false],
    ],
  );
  assert.equal(item.messageId, 'chatgpt:m2');
});

test('interviews: the answer is the persona\'s, the question the interviewer\'s', () => {
  const item = prepareInterview({ kind: 'interview', question: ' Why bridges? ', answer: ' Because they join people. ', tone: 'warm', category: 'values' });
  assert.deepEqual(item.interview, { question: 'Why bridges?', answer: 'Because they join people.', tone: 'warm', category: 'values' });
  assert.deepEqual(
    item.passages.map((passage) => [passage.role, passage.isPersona, passage.text]),
    [
      ['question', false, 'Why bridges?'],
      ['body', true, 'Because they join people.'],
    ],
  );
});
