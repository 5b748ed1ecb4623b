import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cleanEmail } from '../../src/ingest/clean/clean-email.js';

test('a top-posted reply keeps only the text above "On … wrote:" and names the quoted author', () => {
  const cleaned = cleanEmail({
    text: 'Works for me.\n\nOn Tue, Mar 5, 2024 at 10:02 AM Bob Smith <bob@example.com> wrote:\n> Lunch on Friday?\n> Bob\n',
  });
  assert.equal(cleaned.text, 'Works for me.');
  assert.deepEqual(cleaned.quotes, [
    {
      kind: 'quote',
      author: { name: 'Bob Smith', address: 'bob@example.com' },
      dateText: 'Tue, Mar 5, 2024 at 10:02 AM',
      text: 'Lunch on Friday?\nBob',
    },
  ]);
  assert.equal(cleaned.removed.quote, 3);
});

test('an attribution wrapped over two lines is still one header', () => {
  const cleaned = cleanEmail({
    text: 'Done.\n\nOn Tue, Mar 5, 2024 at 10:02 AM Bob Smith <bob.smith@example.com>\nwrote:\n\n> Can you merge it?\n',
  });
  assert.equal(cleaned.text, 'Done.');
  assert.equal(cleaned.quotes[0]?.author?.address, 'bob.smith@example.com');
  assert.equal(cleaned.quotes[0]?.text, 'Can you merge it?');
});

test('text after a dated attribution is quoted even without > markers', () => {
  const cleaned = cleanEmail({ text: 'Yes.\n\nOn 5 Mar 2024, at 10:02, Bob <bob@example.com> wrote:\n\nShall we go?\n' });
  assert.equal(cleaned.text, 'Yes.');
  assert.equal(cleaned.quotes[0]?.text, 'Shall we go?');
});

test('a sentence ending in "wrote:" with no date is not a quote header', () => {
  const cleaned = cleanEmail({ text: 'On reflection, here is what I wrote:\n\nWe should ship on Monday.' });
  assert.equal(cleaned.text, 'On reflection, here is what I wrote:\n\nWe should ship on Monday.');
  assert.deepEqual(cleaned.quotes, []);
});

test('non-English attributions are recognised', () => {
  const cases: Array<[string, string, string]> = [
    ['Le mar. 12 mars 2024 à 10:02, Claire Dubois <claire@example.fr> a écrit :', 'Claire Dubois', 'claire@example.fr'],
    ['Am 14.03.2024 um 09:41 schrieb Jan Becker <jan@example.de>:', 'Jan Becker', 'jan@example.de'],
    ['El mié, 13 mar 2024 a las 17:25, Mateo García (<mateo@example.es>) escribió:', 'Mateo García', 'mateo@example.es'],
    ['Op wo 13 mrt 2024 om 14:52 schreef Pieter de Vries <pieter@example.nl>:', 'Pieter de Vries', 'pieter@example.nl'],
    ['Il giorno mer 13 mar 2024 alle ore 16:40 Giulia Ferri <giulia@example.it> ha scritto:', 'Giulia Ferri', 'giulia@example.it'],
    ['Em qua., 13 de mar. de 2024 às 09:15, Rafael Costa <rafael@example.pt> escreveu:', 'Rafael Costa', 'rafael@example.pt'],
  ];
  for (const [attribution, name, address] of cases) {
    const cleaned = cleanEmail({ text: `Reply text.\n\n${attribution}\n> quoted\n` });
    assert.equal(cleaned.text, 'Reply text.', attribution);
    assert.deepEqual(cleaned.quotes[0]?.author, { name, address }, attribution);
  }
});

test('inline replies keep the answers between > runs', () => {
  const cleaned = cleanEmail({
    text: 'On Mon, Mar 11, 2024 at 3:22 PM Raj <raj@example.com> wrote:\n> Friday?\n\nYes.\n\n> Slides?\nNo need.\n',
  });
  assert.equal(cleaned.text, 'Yes.\n\nNo need.');
  assert.deepEqual(
    cleaned.quotes.map((quote) => [quote.author?.name, quote.text]),
    [
      ['Raj', 'Friday?'],
      ['Raj', 'Slides?'],
    ],
  );
});

test('Outlook "-----Original Message-----" blocks become one quote per message', () => {
  const cleaned = cleanEmail({
    text: [
      'Agreed.',
      '',
      '-----Original Message-----',
      'From: Tomasz Wrona <tomasz@example.com>',
      'Sent: Tuesday, March 5, 2024 4:12 PM',
      'To: Ada Quill <ada@example.com>',
      'Subject: RE: Budget',
      '',
      'See attached.',
      '',
      '-----Original Message-----',
      'From: Priya Raman <priya@example.com>',
      'Sent: Monday, March 4, 2024 9:30 AM',
      'To: Tomasz Wrona <tomasz@example.com>',
      'Subject: Budget',
      '',
      'Can you split the hardware line?',
    ].join('\r\n'),
  });
  assert.equal(cleaned.text, 'Agreed.');
  assert.deepEqual(cleaned.quotes, [
    { kind: 'quote', author: { name: 'Tomasz Wrona', address: 'tomasz@example.com' }, dateText: 'Tuesday, March 5, 2024 4:12 PM', subject: 'RE: Budget', text: 'See attached.' },
    { kind: 'quote', author: { name: 'Priya Raman', address: 'priya@example.com' }, dateText: 'Monday, March 4, 2024 9:30 AM', subject: 'Budget', text: 'Can you split the hardware line?' },
  ]);
});

test('a bare Outlook header block and the underscore rule start a quote; localised fields too', () => {
  const underscore = cleanEmail({
    text: 'OK.\n\n________________________________\nFrom: Marcus Bell <marcus@example.com>\nSent: 07 March 2024 11:04\nTo: Ada\nSubject: Re: Review\n\nThursday?',
  });
  assert.equal(underscore.text, 'OK.');
  assert.equal(underscore.quotes[0]?.subject, 'Re: Review');
  const french = cleanEmail({
    text: "D'accord.\n\nDe : Bob Martin <bob@example.fr>\nEnvoyé : mardi 5 mars 2024 10:02\nÀ : Ada Quill\nObjet : RE: devis\n\nBonjour",
  });
  assert.equal(french.text, "D'accord.");
  assert.deepEqual(french.quotes[0]?.author, { name: 'Bob Martin', address: 'bob@example.fr' });
  assert.equal(french.quotes[0]?.subject, 'RE: devis');
});

test('a line starting with "From:" in ordinary prose is not a header block', () => {
  const cleaned = cleanEmail({ text: 'From: the desk of the editor\n\nPlease read the attached draft.' });
  assert.equal(cleaned.text, 'From: the desk of the editor\n\nPlease read the attached draft.');
});

test('forwarded messages are kind "forward" with the From: line as author', () => {
  const gmail = cleanEmail({
    text: 'FYI.\n\n---------- Forwarded message ---------\nFrom: *Henrik Lund* <henrik@example.se>\nDate: Thu, Mar 14, 2024 at 11:09 AM\nSubject: Invoice\nTo: Ada <ada@example.com>\n\n\nPlease check.\n',
  });
  assert.equal(gmail.text, 'FYI.');
  assert.deepEqual(gmail.quotes, [
    { kind: 'forward', author: { name: 'Henrik Lund', address: 'henrik@example.se' }, dateText: 'Thu, Mar 14, 2024 at 11:09 AM', subject: 'Invoice', text: 'Please check.' },
  ]);
  const apple = cleanEmail({ text: 'See below.\n\nBegin forwarded message:\n\nFrom: Nadia <nadia@example.com>\nSubject: Photos\nDate: 15 March 2024\nTo: Team <team@example.com>\n\nAlbum link inside.' });
  assert.equal(apple.text, 'See below.');
  assert.equal(apple.quotes[0]?.kind, 'forward');
  assert.equal(apple.quotes[0]?.author?.address, 'nadia@example.com');
});

test('nested > levels are split at their own attributions, markers removed', () => {
  const cleaned = cleanEmail({
    text: 'Top.\n\nOn Fri, Mar 8, 2024 at 6:47 PM Lena <lena@example.de> wrote:\n> Middle.\n>\n> On Thu, Feb 1, 2024 at 9:15 AM Ada <ada@example.com> wrote:\n>> Bottom.\n',
  });
  assert.deepEqual(
    cleaned.quotes.map((quote) => [quote.author?.name, quote.text]),
    [
      ['Lena', 'Middle.'],
      ['Ada', 'Bottom.'],
    ],
  );
});

test('Yahoo mobile puts the quoted text on the attribution line', () => {
  const cleaned = cleanEmail({ text: 'ok!\n\n  On Fri, Mar 15, 2024 at 12:40, Ada Quill<ada@example.com> wrote:   Party at 7.' });
  assert.equal(cleaned.text, 'ok!');
  assert.equal(cleaned.quotes[0]?.text, 'Party at 7.');
  assert.equal(cleaned.quotes[0]?.author?.name, 'Ada Quill');
});

test('a body that is only a quote leaves empty text', () => {
  const cleaned = cleanEmail({ text: '> just the quote\n> nothing else' });
  assert.equal(cleaned.text, '');
  assert.equal(cleaned.quotes[0]?.text, 'just the quote\nnothing else');
});
