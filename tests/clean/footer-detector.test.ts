import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cleanEmail } from '../../src/ingest/clean/clean-email.js';

test('newsletter footers are removed: receiving-because, unsubscribe, copyright, postal address', () => {
  const cleaned = cleanEmail({
    text: [
      'View this email in your browser',
      '',
      'Spring at the Harbour Library',
      '',
      'The new reading room opens on Saturday.',
      '',
      'You are receiving this email because you signed up at harbour.example.',
      'Unsubscribe | Manage preferences',
      '',
      '© 2024 Harbour Library Trust. All rights reserved.',
      'Harbour Library Trust, 3 Quay Street, Bristol BS1 4DJ',
    ].join('\n'),
  });
  assert.equal(cleaned.text, 'Spring at the Harbour Library\n\nThe new reading room opens on Saturday.');
  assert.equal(cleaned.removed.footer, 5);
});

test('a footer line glued under the last paragraph is removed', () => {
  const cleaned = cleanEmail({ text: 'Your order has shipped.\nTracking number: 12345.\n\nThanks for shopping with us!\nTo unsubscribe, click here.' });
  assert.equal(cleaned.text, 'Your order has shipped.\nTracking number: 12345.\n\nThanks for shopping with us!');
  assert.equal(cleaned.removed.footer, 1);
});

test('mentioning unsubscribing in a personal message is kept', () => {
  const text = 'I tried to unsubscribe from their list but it did not work.\nAnyway, see you Tuesday.';
  assert.equal(cleanEmail({ text }).text, text);
  const second = 'Quick note.\n\nI finally managed to unsubscribe from that awful newsletter, thanks for the tip!';
  assert.equal(cleanEmail({ text: second }).text, second);
});
