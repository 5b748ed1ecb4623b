/**
 * Three clearly different registers of one person, generated from templates with a seeded
 * generator (same corpus every run): terse engineering status notes, warm family messages,
 * formal letters to the council. Each message is labelled with its register.
 */
import { seededRandom } from '../../../src/seeded-random.js';

export type RegisterName = 'status' | 'family' | 'council';

export interface LabelledMessage {
  register: RegisterName;
  text: string;
}

const pick = <Value>(random: () => number, values: readonly Value[]): Value => values[Math.floor(random() * values.length)]!;

const status = (random: () => number): string =>
  [
    `${pick(random, ['Build', 'Pipeline', 'Deploy', 'CI run'])} ${100 + Math.floor(random() * 900)} ${pick(random, ['green', 'red', 'flaky', 'passed'])}.`,
    `${pick(random, ['api-gateway', 'auth-service', 'billing worker', 'ingest job', 'search index'])} ${pick(random, ['deployed to staging', 'rolled back', 'on v2.4.1', 'restarted', 'scaled to 6 pods'])}.`,
    `p95 latency ${pick(random, ['180', '240', '95', '310'])} ms, error rate ${pick(random, ['0.2', '1.1', '0.05'])}%.`,
    `${pick(random, ['Next: fix the memory leak in the cache layer.', 'Blocked on the database migration review.', 'TODO: bump the TLS certs before Friday.', 'Ticket OPS-' + (1000 + Math.floor(random() * 9000)) + ' closed.'])}`,
  ].join(' ');

const family = (random: () => number): string =>
  [
    `${pick(random, ['Hi Amma', 'Hey Lakshmi', 'Hi Appa', 'Hey darling'])}!`,
    `${pick(random, ['Missing you all so much', 'Hope you are eating properly', 'The kids were asking about you all evening', 'So happy to hear your voice yesterday'])} ❤️`,
    `${pick(random, ['Sunday lunch at our place, I will make your favourite sambar.', 'Anika drew a picture of grandma and the cat for you.', 'Shall we all go to the beach after the temple visit?', 'Please take your medicine and rest, no cooking for everyone this time.'])}`,
    `${pick(random, ['Love you lots', 'Big hugs to everyone', 'Can’t wait to see you', 'Kisses to the little one'])} 😊`,
  ].join(' ');

const council = (random: () => number): string =>
  [
    `Dear ${pick(random, ['Councillor Pereira', 'Sir or Madam', 'Commissioner', 'Members of the Planning Committee'])},`,
    `I write on behalf of the ${pick(random, ['residents’ association of Besant Nagar', 'Adyar ward committee', 'Kotturpuram neighbourhood forum'])} regarding the ${pick(random, ['proposed widening of the arterial road', 'application for a commercial licence on the corner plot', 'revised schedule of property tax assessments', 'consultation on the municipal drainage bye-laws'])}.`,
    `We respectfully request that the Council ${pick(random, ['defer its decision until a public hearing has been convened', 'publish the environmental assessment in full', 'reconsider the proposal in light of the enclosed objections', 'confirm in writing the statutory period for representations'])}.`,
    `${pick(random, ['Yours faithfully', 'Yours sincerely', 'With respect'])}, on behalf of the committee.`,
  ].join('\n');

export function registerCorpus(perRegister = 32, seed = 7): LabelledMessage[] {
  const random = seededRandom(seed);
  const messages: LabelledMessage[] = [];
  for (let index = 0; index < perRegister; index += 1) {
    messages.push({ register: 'status', text: status(random) }, { register: 'family', text: family(random) }, { register: 'council', text: council(random) });
  }
  return messages;
}
