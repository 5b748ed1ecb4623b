/**
 * The fingerprint on texts whose properties are known by construction: sentence lengths,
 * a Tamil–English code-mixed sample, a known greeting and sign-off, emoji, questions, a
 * rare word repeated, and the distance between registers.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PersonaError } from '../../../src/errors.js';
import { computeFingerprint, fingerprintDistance, fingerprintDistanceParts, formatFingerprint } from '../../../src/persona/fingerprint/fingerprint.js';

const fiveWordSentences = [
  'The bridge needs more drains. We checked every single joint. Rain comes from the east.',
  'Tom sent the borehole logs. The clay is very soft.',
];

test('sentence lengths: sentences of exactly five words give mean and median 5, all in the 1-5 bucket', () => {
  const fingerprint = computeFingerprint(fiveWordSentences);
  assert.equal(fingerprint.messageCount, 2);
  assert.equal(fingerprint.sentenceCount, 5);
  assert.equal(fingerprint.wordCount, 25);
  assert.equal(fingerprint.sentenceLength.mean, 5);
  assert.equal(fingerprint.sentenceLength.median, 5);
  assert.equal(fingerprint.sentenceLength.standardDeviation, 0);
  assert.equal(fingerprint.sentenceLength.histogram['1-5'], 1);
  assert.equal(fingerprint.messageLength.mean, 12.5);
});

test('sentence lengths: a 3-word and a 10-word sentence, hard-wrapped like email, and list items without full stops', () => {
  const fingerprint = computeFingerprint([
    'We need piles.\nThe east bank clay is too soft for\na raft.\n\n1. Check the outfall\n2. Ask the client',
  ]);
  assert.deepEqual([fingerprint.sentenceCount, fingerprint.wordCount], [4, 19]);
  assert.equal(fingerprint.sentenceLength.mean, 4.75);
  assert.equal(fingerprint.sentenceLength.histogram['1-5'], 0.75);
  assert.equal(fingerprint.sentenceLength.histogram['6-10'], 0.25);
});

test('contractions count as one word each and as contractions', () => {
  const fingerprint = computeFingerprint(["I don't know. She's sure we can't go. I'm tired."]);
  assert.equal(fingerprint.wordCount, 10);
  assert.equal(fingerprint.formality.contractions, 40);
});

test('a Tamil–English code-mixed sample: script shares by word, mixed messages, switches', () => {
  const fingerprint = computeFingerprint([
    'நாளைக்கு site visit இருக்கு, 7 am sharp.', // Tamil, Latin×2, Tamil, then "am sharp" (7 is no script): 3 switches
    'The drawings are ready for review.',
  ]);
  const scripts = Object.fromEntries(fingerprint.codeSwitching.scripts.map((entry) => [entry.value, entry.count]));
  assert.deepEqual(scripts, { Latin: 10, Tamil: 2 });
  const tamil = fingerprint.codeSwitching.scripts.find((entry) => entry.value === 'Tamil')!;
  assert.equal(tamil.share, Math.round((2 / 12) * 10_000) / 10_000);
  assert.equal(fingerprint.codeSwitching.mixedMessageShare, 0.5);
  assert.equal(fingerprint.codeSwitching.switchesPerMessage, 1.5);
  const languages = Object.fromEntries(fingerprint.codeSwitching.languages.map((entry) => [entry.value, entry.count]));
  assert.deepEqual(languages, { english: 10, tamil: 2 });
});

test('romanised Tamil words count as Tamil, in Latin script', () => {
  const fingerprint = computeFingerprint(['Romba nice, but the ramp is illa ready.']);
  const languages = Object.fromEntries(fingerprint.codeSwitching.languages.map((entry) => [entry.value, entry.count]));
  assert.deepEqual(languages, { english: 6, tamil: 2 });
  assert.deepEqual(fingerprint.codeSwitching.scripts.map((entry) => entry.value), ['Latin']);
});

test('a known greeting and sign-off: found in the text, normalised, and not counted as sentences', () => {
  const messages = [
    'Hi Tom,\n\nThe logs arrived today.\n\nCheers,\nMeera',
    'Hi Daniel,\n\nThe drawing is attached.\n\nCheers,\nMeera',
    'Hi everyone,\n\nRide starts at six.\n\n— M',
    'No greeting in this one.',
  ];
  const fingerprint = computeFingerprint(messages);
  assert.equal(fingerprint.sentenceCount, 4);
  assert.equal(fingerprint.wordCount, 17);
  assert.equal(fingerprint.greetings.messageShare, 0.75);
  assert.deepEqual(fingerprint.greetings.top.map((entry) => [entry.value, entry.count]), [['Hi <name>,', 2], ['Hi everyone,', 1]]);
  assert.equal(fingerprint.signOffs.messageShare, 0.75);
  assert.deepEqual(fingerprint.signOffs.top.map((entry) => [entry.value, entry.count]), [['Cheers,', 2], ['— M', 1]]);
});

test('greetings and sign-offs set aside by cleaning are counted from the options', () => {
  const fingerprint = computeFingerprint(['The logs arrived.', 'The drawing is attached.'], { greetings: ['Hi Tom,', 'Hi Arjun,'], signOffs: ['Cheers,', 'Cheers,'] });
  assert.deepEqual(fingerprint.greetings.top, [{ value: 'Hi <name>,', count: 2, share: 1 }]);
  assert.deepEqual(fingerprint.signOffs.top, [{ value: 'Cheers,', count: 2, share: 1 }]);
  assert.equal(fingerprint.signOffs.messageShare, 1);
});

test('a one-line greeting before the text: "Hi Tom, quick one" keeps "quick one" as the body', () => {
  const fingerprint = computeFingerprint(['Hi Tom, quick one about the piles.']);
  assert.deepEqual(fingerprint.greetings.top.map((entry) => entry.value), ['Hi <name>,']);
  assert.equal(fingerprint.wordCount, 5);
});

test('emoji: sequences count as one, per message and by kind; emoticons apart', () => {
  const fingerprint = computeFingerprint(['Great ride today 😄😄', 'Thumbs up 👍🏽 and a family 👨‍👩‍👧', 'No emoji here :)', 'None here either.']);
  assert.equal(fingerprint.emoji.perMessage, 1);
  assert.equal(fingerprint.emoji.messageShare, 0.5);
  assert.deepEqual(fingerprint.emoji.top[0], { value: '😄', count: 2, share: 0.5 });
  assert.deepEqual(fingerprint.emoji.top.map((entry) => entry.value).sort(), ['👍🏽', '👨‍👩‍👧', '😄'].sort());
  assert.equal(fingerprint.emoji.emoticonsPerMessage, 0.25);
});

test('questions per message and question share of sentences', () => {
  const fingerprint = computeFingerprint(['Can you check the span? Is the clay soft? Send it today.', 'Thanks for the logs.', 'Why the delay?! We need them.']);
  assert.equal(fingerprint.questions.perMessage, 1);
  assert.equal(fingerprint.questions.sentenceShare, 0.5);
  assert.equal(fingerprint.questions.exclamationSentenceShare, Math.round((1 / 6) * 10_000) / 10_000);
  assert.equal(fingerprint.punctuation.repeatedMarks, Math.round((100 / fingerprint.wordCount) * 10_000) / 10_000);
});

test('signature words: a rare word repeated across messages leads; common words never qualify', () => {
  const messages = [
    'The scupper by the ramp is blocked again.',
    'We moved the scupper two metres east.',
    'Every scupper needs a grate, honestly.',
    'I think the time is right and the people know it.',
    'Honestly the scupper spacing is fine now.',
  ];
  const fingerprint = computeFingerprint(messages);
  assert.equal(fingerprint.signatureWords[0]?.word, 'scupper');
  assert.equal(fingerprint.signatureWords[0]?.count, 4);
  const words = fingerprint.signatureWords.map((entry) => entry.word);
  for (const common of ['the', 'time', 'people', 'know', 'think']) assert.ok(!words.includes(common), `${common} is not a signature word`);
});

test('signature phrases: a phrase repeated across messages is found, "of the" is not', () => {
  const fingerprint = computeFingerprint([
    'Filter coffee first, then the drawings of the bridge.',
    'Nothing beats filter coffee at the end of the day.',
    'Bring filter coffee to the site, most of the crew likes it.',
  ]);
  assert.deepEqual(fingerprint.signaturePhrases[0], { phrase: 'filter coffee', count: 3, messages: 3 });
  assert.ok(!fingerprint.signaturePhrases.some((entry) => entry.phrase === 'of the'));
});

test('capitalisation: lowercase sentence starts and a lowercase "i"', () => {
  const fingerprint = computeFingerprint(['ok i think so. i will check. Tomorrow then.']);
  assert.equal(fingerprint.capitalisation.sentenceStartUppercase, Math.round((1 / 3) * 10_000) / 10_000);
  assert.equal(fingerprint.capitalisation.lowercaseI, 1);
});

test('formality: legal prose scores formal, chat scores informal', () => {
  const legal = computeFingerprint(['The obligations of the Licensee under this Agreement shall survive the termination of the Agreement for a period of five years.']);
  const chat = computeFingerprint(["hey u coming tonight?? i'm so tired lol but yeah we can go"]);
  assert.equal(legal.formality.label, 'formal');
  assert.equal(chat.formality.label, 'informal');
  assert.ok(legal.formality.score > chat.formality.score + 20, `${legal.formality.score} vs ${chat.formality.score}`);
});

test('function words are rates per 1,000 words', () => {
  const fingerprint = computeFingerprint(['The bridge and the ramp and the drain.']);
  assert.equal(fingerprint.functionWords['the'], 375);
  assert.equal(fingerprint.functionWords['and'], 250);
  assert.equal(fingerprint.functionWords['upon'], 0);
});

const engineerNotes = [
  'Hi Tom,\n\nThanks, the logs are exactly what I needed. Bored piles on the east side make sense to me too. Can you send the shear strength profile?\n\nCheers,\nMeera',
  'Hi Arjun,\n\n1.5 m is fine for the main span, but drop to 1.2 m over the last two bays. That is where the water sits once the deck deflects.\n\n— M',
  'Hi Daniel,\n\nPlease find attached revision B of the drainage detail. The silt trap moved to the ramp foot, and the grate is now removable.\n\nCheers,\nMeera',
  'Hi Priya,\n\nThank you for the handrail samples. The welds on sample B are cleaner; please grind the edges to 2 mm before galvanising.\n\nCheers,\nMeera',
];
const texting = [
  'omg u will NOT believe this 😂😂 lol',
  'heyyy where r u?? im outside!!',
  'haha ok ok 😘 cya soon',
  'wait what?? no wayyy!!! 😱',
];

test('distance: 0 to itself, symmetric, and larger to a very different register than between two of her notes', () => {
  const notes = computeFingerprint(engineerNotes);
  assert.equal(fingerprintDistance(notes, notes), 0);
  assert.equal(fingerprintDistance(notes, structuredClone(notes)), 0);
  const firstHalf = computeFingerprint(engineerNotes.slice(0, 2));
  const secondHalf = computeFingerprint(engineerNotes.slice(2));
  const chat = computeFingerprint(texting);
  const sameWriter = fingerprintDistance(firstHalf, secondHalf);
  const otherRegister = fingerprintDistance(notes, chat);
  assert.equal(fingerprintDistance(notes, chat), fingerprintDistance(chat, notes));
  assert.ok(otherRegister > sameWriter + 0.2, `to chat ${otherRegister}, between her notes ${sameWriter}`);
  assert.ok(otherRegister <= 1 && sameWriter >= 0);
  const parts = fingerprintDistanceParts(notes, chat);
  for (const [name, value] of Object.entries(parts)) assert.ok(value >= 0 && value <= 1, `${name} = ${value}`);
  assert.ok(parts.emoji > 0.5 && parts.greetingsAndSignOffs > 0.5);
});

test('an empty fingerprint: zero words, distance 0 to another empty one and 1 to anything else', () => {
  const empty = computeFingerprint([]);
  const blank = computeFingerprint(['   ', '']);
  assert.equal(empty.wordCount, 0);
  assert.equal(blank.messageCount, 2);
  assert.equal(fingerprintDistance(empty, blank), 0);
  assert.equal(fingerprintDistance(empty, computeFingerprint(fiveWordSentences)), 1);
  assert.match(formatFingerprint(empty), /No words/);
});

test('bad input: a message that is not text is named in a PersonaError', () => {
  assert.throws(
    () => computeFingerprint(['fine', 42 as unknown as string]),
    (error: unknown) => error instanceof PersonaError && error.code === 'input-unsupported' && /message 1 is number/.test(error.message),
  );
});

test('the fingerprint is plain JSON, stable from run to run, and formats for people', () => {
  const fingerprint = computeFingerprint(engineerNotes);
  assert.deepEqual(JSON.parse(JSON.stringify(fingerprint)), fingerprint);
  assert.deepEqual(computeFingerprint(engineerNotes), fingerprint);
  const text = formatFingerprint(fingerprint);
  assert.match(text, /Sentence length: mean \d/);
  assert.match(text, /Sign-offs: in 100% of messages: "Cheers," 75%, "— M" 25%/);
  assert.match(text, /Greetings: .*"Hi <name>," 100%/);
});
