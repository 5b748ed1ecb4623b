import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cleanEmail } from '../../src/ingest/clean/clean-email.js';

test('whitespace is normalised but paragraph breaks are kept', () => {
  const cleaned = cleanEmail({ text: 'First line.   \r\nSecond line.\r\n\r\n\r\n\r\nNew paragraph.\u00a0\r\n\r\n' });
  assert.equal(cleaned.text, 'First line.\nSecond line.\n\nNew paragraph.');
});

test('an empty input gives an empty result', () => {
  assert.deepEqual(cleanEmail({}), { text: '', quotes: [], removed: { quote: 0, signature: 0, disclaimer: 0, greeting: 0, footer: 0 } });
});

test('a body that is only a sign-off keeps it as the text', () => {
  const cleaned = cleanEmail({ text: 'Thanks!\n\nSent from my iPhone\n\nOn Mar 15, 2024, at 9:12 AM, Owen <owen@example.com> wrote:\n> Done.' });
  assert.equal(cleaned.text, 'Thanks!');
  assert.equal(cleaned.signOff, undefined);
  assert.equal(cleaned.removed.signature, 1);
});

test('all rules together on one message', () => {
  const cleaned = cleanEmail(
    {
      text: [
        'Hi Bob,',
        '',
        'The figures are attached.',
        '',
        'Best regards,',
        'Ada Quill',
        'Head of Research',
        '',
        'This email and any attachments are confidential. If you have received this email in error, please notify the sender.',
        '',
        'On Tue, Mar 5, 2024 at 10:02 AM Bob <bob@example.com> wrote:',
        '> Can you send the figures?',
      ].join('\n'),
    },
    { authorNames: ['Ada', 'Quill'] },
  );
  assert.deepEqual(cleaned, {
    text: 'The figures are attached.',
    greeting: 'Hi Bob,',
    signOff: 'Best regards,',
    quotes: [{ kind: 'quote', author: { name: 'Bob', address: 'bob@example.com' }, dateText: 'Tue, Mar 5, 2024 at 10:02 AM', text: 'Can you send the figures?' }],
    removed: { quote: 2, signature: 3, disclaimer: 1, greeting: 1, footer: 0 },
  });
});

test('code-mixed Tamil–English text passes through unchanged', () => {
  const text = 'நாளைக்கு meeting இருக்கு, please confirm பண்ணுங்க.\nClient side-ல இருந்து இரண்டு பேர் வருவாங்க.';
  assert.equal(cleanEmail({ text }).text, text);
});

test('pathological 1 MB bodies finish', () => {
  const bodies = [
    'a'.repeat(1_000_000),
    '1 '.repeat(500_000),
    '> '.repeat(500_000),
    'On Tue, Mar 5, 2024 at 10:02 AM Bob\n'.repeat(30_000),
    'From: Bob <b@x.example>\n'.repeat(40_000),
    'Thanks,\nAda\n'.repeat(80_000),
    '+(1) 2-3 '.repeat(110_000),
    `${'x '.repeat(150)}wrote:\n`.repeat(3000),
    'confidential privileged intended recipient notify the sender delete this message '.repeat(12_000),
    `${'-'.repeat(999)}\n`.repeat(1000),
    `${'Unsubscribe '.repeat(80)}\n\n`.repeat(1000),
  ];
  for (const text of bodies) {
    const cleaned = cleanEmail({ text });
    assert.equal(typeof cleaned.text, 'string');
  }
  assert.equal(typeof cleanEmail({ html: `<p>${'a<b>'.repeat(250_000)}</p>` }).text, 'string');
});
