/**
 * The persona's own words from the store, on the sample persona: her bodies only, never
 * the text she quoted, forwarded or was answered with, nor interview questions; her
 * greetings and sign-offs as cleaning set them aside.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { StoreError } from '../../../src/errors.js';
import { computeFingerprint } from '../../../src/persona/fingerprint/fingerprint.js';
import { personaMessages, personaStyleMarkers } from '../../../src/persona/fingerprint/persona-messages.js';
import { openStore, type Store } from '../../../src/store/store.js';
import { ingestSamplePersona } from '../../helpers/sample-persona.js';
import { testConfig } from '../../helpers/test-config.js';

const home = mkdtempSync(path.join(os.tmpdir(), 'persona-fingerprint-'));
let store: Store;

before(async () => {
  store = openStore(testConfig(home));
  await ingestSamplePersona(store);
});

after(() => {
  store?.close();
  rmSync(home, { recursive: true, force: true });
});

function containing(messages: readonly string[], text: string): number {
  return messages.filter((message) => message.includes(text)).length;
}

test('personaMessages returns her own words, once each', { timeout: 60_000 }, () => {
  const messages = personaMessages(store.database, 'meera');
  // Her email reply to Tom, her code-mixed note to Lakshmi, a chat turn, an interview answer, her blog post.
  assert.equal(containing(messages, 'Thanks, this is exactly what I needed, and faster than I expected.'), 1);
  assert.equal(containing(messages, 'Anika-க்கு cycle வாங்கியாச்சு!'), 1);
  assert.equal(containing(messages, "'சாய்வு' is exactly the word I was looking for"), 1);
  assert.equal(containing(messages, 'Honestly, a rope bridge in a school textbook.'), 1);
  assert.equal(containing(messages, 'Why I stopped hanging pipes under bridges'), 1);
  // Her proposal, also quoted inside Daniel's reply, counts once.
  assert.equal(containing(messages, "As promised after Thursday's meeting"), 1);
  assert.ok(messages.every((message) => message.trim().length > 0));
});

test('personaMessages leaves out quoted, forwarded and answering text, interview questions and others\' mail', { timeout: 60_000 }, () => {
  const messages = personaMessages(store.database, 'meera');
  const others = [
    'Attached are the summary logs for BH-1 to BH-3', // Tom, quoted in her reply and his own mail
    'The team went through it this morning', // Daniel, forwarded by her
    'pink-ஐ அவ reject', // Lakshmi's code-mixed reply
    'Quick one before I update drawing HW-D-104', // Arjun, quoted in her reply
    'Synchronous lateral excitation is driven by the lateral component', // the chat assistant
    'What first made you want to become a structural engineer?', // an interview question
    'Footbridge Digest', // a newsletter
    'Everything in this folder is invented', // the sample's README, by the project
    'Hi Tom,', // greetings are set aside by cleaning
  ];
  for (const text of others) assert.equal(containing(messages, text), 0, `"${text}" is not her text`);
});

test('personaStyleMarkers: her greetings and sign-offs, one per use, none of the others\'', { timeout: 60_000 }, () => {
  const markers = personaStyleMarkers(store.database, 'meera');
  assert.ok(markers.greetings.includes('Hi Tom,'));
  assert.ok(markers.greetings.every((greeting) => greeting.startsWith('Hi ')), markers.greetings.join(' | '));
  assert.ok(!markers.greetings.includes('Dear Meera,'));
  assert.ok(markers.signOffs.filter((signOff) => signOff === 'Cheers,').length >= 2);
  assert.ok(markers.signOffs.includes('— M'));
  assert.ok(!markers.signOffs.includes('Regards,') && !markers.signOffs.includes('Best wishes,'));
});

test('her fingerprint from the store: "Hi <name>," and "Cheers," lead, and some Tamil', { timeout: 60_000 }, () => {
  const fingerprint = computeFingerprint(personaMessages(store.database, 'meera'), personaStyleMarkers(store.database, 'meera'));
  assert.equal(fingerprint.greetings.top[0]?.value, 'Hi <name>,');
  assert.equal(fingerprint.signOffs.top[0]?.value, 'Cheers,');
  const tamil = fingerprint.codeSwitching.scripts.find((entry) => entry.value === 'Tamil');
  assert.ok(tamil && tamil.share > 0 && tamil.share < 0.1, JSON.stringify(fingerprint.codeSwitching.scripts));
  assert.ok(fingerprint.signaturePhrases.some((entry) => entry.phrase === 'filter coffee'));
});

test('an unknown persona is a not-found error naming it', { timeout: 60_000 }, () => {
  for (const read of [personaMessages, personaStyleMarkers]) {
    assert.throws(
      () => read(store.database, 'nobody'),
      (error: unknown) => error instanceof StoreError && error.code === 'not-found' && error.message.includes('"nobody"'),
    );
  }
});
