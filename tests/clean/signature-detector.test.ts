import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cleanEmail } from '../../src/ingest/clean/clean-email.js';

const ada = { authorNames: ['Ada', 'Quill'] };

test('everything under the "-- " delimiter is signature', () => {
  const cleaned = cleanEmail({ text: 'See you then.\n\n-- \nAda Quill\nQuill Labs\nhttps://quill-labs.example' });
  assert.equal(cleaned.text, 'See you then.');
  assert.equal(cleaned.removed.signature, 4);
});

test('"-- " takes a long signature too, a bare "--" only a short one', () => {
  const longSignature = Array.from({ length: 20 }, (_, index) => `Signature line ${index + 1}`).join('\n');
  assert.equal(cleanEmail({ text: `See you then.\n-- \n${longSignature}` }).text, 'See you then.');
  assert.match(cleanEmail({ text: `See you then.\n--\n${longSignature}` }).text, /Signature line 20/);
});

test('a bare "--" works as a delimiter above a short block', () => {
  const cleaned = cleanEmail({ text: 'See you then.\n--\nAda' });
  assert.equal(cleaned.text, 'See you then.');
});

test('mobile-client taglines are removed', () => {
  const taglines = [
    'Sent from my iPhone',
    'Sent from my iPad',
    'Sent from my Samsung Galaxy smartphone.',
    'Sent from my Android device',
    'Get Outlook for iOS',
    'Get Outlook for Android<https://aka.ms/ghei36>',
    'Sent from Mail for Windows',
    'Sent from Yahoo Mail on Android',
    'Sent from Yahoo Mail for iPhone',
    'Envoyé de mon iPhone',
    'Von meinem iPhone gesendet',
    'Enviado desde mi iPhone',
  ];
  for (const tagline of taglines) {
    const cleaned = cleanEmail({ text: `Running late, start without me.\n\n${tagline}` });
    assert.equal(cleaned.text, 'Running late, start without me.', tagline);
    assert.equal(cleaned.removed.signature, 1, tagline);
  }
});

test('a sign-off above name/title/contact lines is recorded and the block removed', () => {
  const cleaned = cleanEmail(
    {
      text: 'The report is attached.\n\nKind regards,\n\nAda Quill\nHead of Research | Quill Labs Ltd\nT: +44 20 7946 0321\nwww.quill-labs.example',
    },
    ada,
  );
  assert.equal(cleaned.text, 'The report is attached.');
  assert.equal(cleaned.signOff, 'Kind regards,');
  assert.equal(cleaned.removed.signature, 5);
});

test('common sign-offs are recognised', () => {
  for (const signOff of ['Best,', 'Thanks,', 'Cheers,', 'Regards,', 'Kind regards,', 'Best wishes,', 'Warmly,', 'Sincerely,', 'Thank you!', 'Talk soon,', '— Ada', 'Many thanks,', 'Cheers, Ada', 'Cordialement,', 'Mit freundlichen Grüßen', 'Saludos,', 'Met vriendelijke groet,', 'நன்றி,']) {
    const cleaned = cleanEmail({ text: `The numbers look right to me.\n\n${signOff}\nAda` }, ada);
    assert.equal(cleaned.text, 'The numbers look right to me.', signOff);
    assert.equal(cleaned.signOff, signOff, signOff);
  }
});

test('a sentence that starts like a sign-off is message text', () => {
  const cleaned = cleanEmail({ text: 'Quick update below.\n\nThanks for the slides, they look great and I will present them tomorrow.' }, ada);
  assert.equal(cleaned.text, 'Quick update below.\n\nThanks for the slides, they look great and I will present them tomorrow.');
  assert.equal(cleaned.signOff, undefined);
});

test('a sign-off followed by ordinary sentences is not a sign-off', () => {
  const cleaned = cleanEmail({ text: 'Thanks, Bob\nI will look at it tomorrow morning' }, ada);
  assert.equal(cleaned.text, 'Thanks, Bob\nI will look at it tomorrow morning');
});

test('a postscript under the sign-off stays in the message', () => {
  const cleaned = cleanEmail({ text: 'See you at the party.\n\nBest,\nAda\n\nP.S. Bring the cake!' }, ada);
  assert.equal(cleaned.text, 'See you at the party.\n\nP.S. Bring the cake!');
  assert.equal(cleaned.signOff, 'Best,');
});

test('a trailing contact block without a sign-off is signature', () => {
  const cleaned = cleanEmail({
    text: 'The sensor shipped today.\n\nDaniel Osei\nSupport Engineer\nBrightwave Instruments GmbH\nPhone: +49 30 1234 5678\ndaniel@brightwave.example',
  });
  assert.equal(cleaned.text, 'The sensor shipped today.');
  assert.equal(cleaned.removed.signature, 5);
});

test('the author name alone on the last line is signature', () => {
  assert.equal(cleanEmail({ text: 'Sounds good.\n\nAda' }, ada).text, 'Sounds good.');
  assert.equal(cleanEmail({ text: 'Sounds good.\nA.' }, ada).text, 'Sounds good.');
});

test('names and lists at the end of a message are not a contact block', () => {
  const winners = 'The winners are:\nAlice Smith\nBob Jones\nCarol White';
  assert.equal(cleanEmail({ text: winners }, ada).text, winners);
  const callMe = 'Can we talk?\n\nCall me at 555 123 4567';
  assert.equal(cleanEmail({ text: callMe }, ada).text, callMe);
  const list = 'Shopping:\n- Milk\n- Eggs';
  assert.equal(cleanEmail({ text: list }, ada).text, list);
});
