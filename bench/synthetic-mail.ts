/**
 * A deterministic synthetic mail corpus for benchmarks: replies with quoted history,
 * signatures, disclaimers, a share of HTML and of Tamil–English mail, like a real archive.
 */
const people = [
  ['Meera Krishnan', 'meera@kaveri-bridgeworks.example'],
  ['Tom Okafor', 'tom@kaveri-bridgeworks.example'],
  ['Priya Raman', 'priya.raman@harbour-council.example'],
  ['Lakshmi Krishnan', 'lakshmi@family.example'],
  ['Daniel Weiss', 'd.weiss@steelworks.example'],
] as const;

const sentences = [
  'The deck deflection under crowd loading is within the limit we agreed.',
  'Can we move the site visit to Thursday morning, before the rain starts?',
  'I have attached the revised drainage calculations for the east abutment.',
  'The monsoon runoff figures from last year look higher than the design assumed.',
  'Let us keep the handrail detail simple; the fabricator prefers fewer welds.',
  'நாளைக்கு site visit இருக்கு, please confirm the transport.',
  'Filter coffee at the usual place after the meeting?',
  'The council wants a second opinion on the bearing replacement schedule.',
  'I checked the vibration modes again and the first lateral mode is at 1.4 Hz.',
  'Please send the updated drawings by Friday so I can review them over the weekend.',
];

const disclaimer =
  'CONFIDENTIALITY NOTICE: This email and any attachments are confidential and intended solely for the addressee. ' +
  'If you have received this email in error please notify the sender and delete it.';

function pseudoRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** A passage of 3 to 12 sentences, with a unique token so BM25 has rare terms too. */
export function syntheticPassage(index: number): string {
  const random = pseudoRandom(index + 7);
  const count = 3 + Math.floor(random() * 10);
  const picked = Array.from({ length: count }, () => sentences[Math.floor(random() * sentences.length)]!);
  return `${picked.join(' ')} Reference span-${index % 5000}.`;
}

export function syntheticEmail(index: number): string {
  const random = pseudoRandom(index + 1);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const [fromName, fromAddress] = pick(people);
  const [toName, toAddress] = pick(people);
  const body = Array.from({ length: 2 + Math.floor(random() * 6) }, () => pick(sentences)).join(' ');
  const quoted = Array.from({ length: 1 + Math.floor(random() * 4) }, () => `> ${pick(sentences)}`).join('\n');
  const date = new Date(Date.UTC(2024, 0, 1) + index * 3_600_000).toUTCString().replace('GMT', '+0000');
  const lines = [
    `From: ${fromName} <${fromAddress}>`,
    `To: ${toName} <${toAddress}>`,
    `Subject: Re: Footbridge ${index % 97}`,
    `Date: ${date}`,
    `Message-ID: <bench-${index}@kaveri-bridgeworks.example>`,
    `In-Reply-To: <bench-${Math.max(0, index - 1)}@kaveri-bridgeworks.example>`,
    'MIME-Version: 1.0',
  ];
  const text = [
    `Hi ${toName.split(' ')[0]},`,
    '',
    body,
    '',
    random() < 0.5 ? 'Cheers,' : 'Best regards,',
    fromName.split(' ')[0],
    random() < 0.3 ? `${fromName}\nSenior Engineer | Kaveri Bridgeworks\nTel: +91 44 5555 0100` : '',
    '',
    random() < 0.3 ? disclaimer : '',
    '',
    `On ${date}, ${toName} <${toAddress}> wrote:`,
    quoted,
    '',
  ].join('\n');
  if (random() < 0.15) {
    const html = `<html><body><p>${text.split('\n\n').map((paragraph) => paragraph.replaceAll('\n', '<br>')).join('</p><p>')}</p></body></html>`;
    return [...lines, 'Content-Type: text/html; charset=utf-8', 'Content-Transfer-Encoding: 8bit', '', html, ''].join('\n');
  }
  return [...lines, 'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: 8bit', '', text].join('\n');
}

/** One mbox entry: separator line, escaped body, blank line. */
export function mboxEntry(message: string): string {
  return `From bench@example.com Mon Jan  1 00:00:00 2024\n${message.replace(/^(>*From )/gm, '>$1')}\n`;
}
