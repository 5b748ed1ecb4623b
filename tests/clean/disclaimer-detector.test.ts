import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cleanEmail } from '../../src/ingest/clean/clean-email.js';

test('a confidentiality notice paragraph is removed whole', () => {
  const cleaned = cleanEmail({
    text: [
      'The contract is signed.',
      '',
      'This email and any attachments are confidential and intended solely for the addressee.',
      'If you have received this email in error, please notify the sender and delete it.',
    ].join('\n'),
  });
  assert.equal(cleaned.text, 'The contract is signed.');
  assert.equal(cleaned.removed.disclaimer, 2);
});

test('a paragraph that opens with DISCLAIMER and the notices after it are removed', () => {
  const cleaned = cleanEmail({
    text: [
      'Invoice attached.',
      '',
      'DISCLAIMER:',
      '',
      'The information in this message is privileged. Any review, dissemination or copying is prohibited.',
      '',
      'Please consider the environment before printing this email.',
    ].join('\n'),
  });
  assert.equal(cleaned.text, 'Invoice attached.');
  assert.equal(cleaned.removed.disclaimer, 3);
});

test('virus-scan and print notices are removed on their own', () => {
  for (const notice of [
    'This email has been scanned for viruses by Norton AntiVirus.',
    'Virus-free. www.avast.com',
    'Please consider the environment before printing this e-mail.',
  ]) {
    const cleaned = cleanEmail({ text: `Lunch at noon?\n\n${notice}` });
    assert.equal(cleaned.text, 'Lunch at noon?', notice);
    assert.equal(cleaned.removed.disclaimer, 1, notice);
  }
});

test('a normal paragraph that mentions "confidential" mid-sentence is kept', () => {
  const text = [
    'The acquisition talks are confidential until the 28th, so please keep this within the team.',
    '',
    'If you have received questions from journalists, forward them to Grace.',
  ].join('\n');
  const cleaned = cleanEmail({ text });
  assert.equal(cleaned.text, text);
  assert.equal(cleaned.removed.disclaimer, 0);
});

test('non-English notices are removed', () => {
  const cleaned = cleanEmail({
    text: 'Merci pour le devis.\n\nCe message et toutes les pièces jointes sont confidentiels et destinés exclusivement au destinataire. Si vous avez reçu ce message par erreur, merci de le supprimer.',
  });
  assert.equal(cleaned.text, 'Merci pour le devis.');
});
