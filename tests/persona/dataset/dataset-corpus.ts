/**
 * The sample persona plus a generated mbox of threads (someone asks, Meera answers), in one
 * store: the corpus the dataset tests export. The mbox holds a third party's phone number,
 * the persona's own, and a question asked and answered twice in different threads.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { ingest } from '../../../src/ingest/ingest-run.js';
import { savePersona } from '../../../src/store/persona-repository.js';
import { openStore, type Store } from '../../../src/store/store.js';
import { makeEmail, makeMbox } from '../../helpers/make-email.js';
import { ingestSamplePersona, samplePersonaAuthors } from '../../helpers/sample-persona.js';
import { testConfig } from '../../helpers/test-config.js';

export const meera = 'Meera Krishnan <meera@kaveri-bridgeworks.example>';
export const personaPhone = '+91 90030 12345';
export const thirdPartyPhone = '+91 98765 43210';
export const thirdPartyAddress = 'ravi.shankar@site-crew.example';
export const generatedThreads = 12;

const askers = ['Ravi Shankar <ravi.shankar@site-crew.example>', 'Nisha Rao <nisha@harbourcouncil.example>', 'Tom Okafor <tom@okafor-geotech.example>'];
const topics = ['pile cap pour', 'handrail welds', 'scupper grating', 'bearing plinth', 'deck waterproofing', 'lighting conduit', 'ramp gradient', 'abutment backfill', 'parapet height', 'expansion joint'];

function threadMessages(thread: number): string[] {
  const asker = askers[thread % askers.length]!;
  const topic = topics[thread % topics.length]!;
  const question = `msg-${thread}-q@site-crew.example`;
  let ask = `Quick question on the ${topic} for the Harbour Walk footbridge (item ${thread}): should we go ahead this week or wait for your check?`;
  let answer = `Go ahead with the ${topic} on Thursday, thread ${thread}. Send me two photos before you close it up, and flag anything that looks off.`;
  if (thread === 3) {
    ask = `The crane operator needs a call before Friday about the ${topic}. My mobile is ${thirdPartyPhone}, or mail me at ${thirdPartyAddress}.`;
    answer = `I'll call you on ${thirdPartyPhone} tomorrow morning. If I miss you, ring me on ${personaPhone}; I'm on site till noon.`;
  }
  // The same exchange twice, in two threads and written a little differently: one training example.
  if (thread === 8) {
    ask = 'Is the site open on Saturday?';
    answer = 'Yes, from 8 am. Bring boots.';
  }
  if (thread === 9) {
    ask = 'is the site open on saturday';
    answer = 'Yes -- from 8 am; bring boots!';
  }
  return [
    makeEmail({ from: asker, to: meera, subject: `${topic} (${thread})`, messageId: question, date: `Mon, ${String(thread + 1).padStart(2, '0')} Jun 2025 09:00:00 +0530`, body: ask }),
    makeEmail({
      from: meera,
      to: asker,
      subject: `Re: ${topic} (${thread})`,
      messageId: `msg-${thread}-a@kaveri-bridgeworks.example`,
      inReplyTo: question,
      date: `Mon, ${String(thread + 1).padStart(2, '0')} Jun 2025 18:00:00 +0530`,
      body: answer,
    }),
  ];
}

export async function datasetStore(home: string): Promise<Store> {
  const store = openStore(testConfig(home, { PERSONA_ENCRYPT: 'false' }));
  await ingestSamplePersona(store);
  const mbox = path.join(home, 'site-threads.mbox');
  writeFileSync(mbox, makeMbox(Array.from({ length: generatedThreads }, (_, thread) => threadMessages(thread)).flat()));
  await ingest({
    store,
    persona: 'meera',
    authors: samplePersonaAuthors,
    inputs: [mbox],
    chunking: { targetTokens: 500, overlapTokens: 60 },
    limits: { maxFileBytes: 50 * 1024 ** 2, maxUnzippedBytes: 50 * 1024 ** 2 },
    stallTimeoutMs: 60_000,
  });
  // The persona's own phone is one of her identities: masking keeps it.
  savePersona(store.database, 'meera', [personaPhone]);
  return store;
}
