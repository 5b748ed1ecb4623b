/** The cleaned view of one record, as `persona clean` prints it. */
import type { PersonaIdentity } from './persona-identity.js';
import { prepareChat, prepareDocument, prepareEmail, prepareInterview } from './prepare-item.js';
import type { RemovedLines } from './prepared-item.js';
import type { Address, SourceRecord } from './source-record.js';

export interface CleanedRecord {
  kind: string;
  text: string;
  author?: string;
  isPersona?: boolean;
  subject?: string;
  date?: string;
  greeting?: string;
  signOff?: string;
  removed: RemovedLines;
  quotes: { kind: string; author?: string; text: string }[];
}

const nothingRemoved: RemovedLines = { quote: 0, signature: 0, disclaimer: 0, greeting: 0, footer: 0 };

export function cleanRecord(record: Exclude<SourceRecord, { kind: 'skipped' }>, identity: PersonaIdentity): CleanedRecord {
  const item =
    record.kind === 'email'
      ? prepareEmail(record, identity)
      : record.kind === 'document'
        ? prepareDocument(record, identity)
        : record.kind === 'chat'
          ? prepareChat(record)
          : prepareInterview(record);
  const bodies = item.passages.filter((passage) => passage.role === 'body');
  return {
    kind: item.kind,
    text: bodies.map((passage) => passage.text).join('\n\n'),
    author: formatAddress(item.author),
    isPersona: identity.addresses.size + identity.names.length > 0 ? item.isPersona : undefined,
    subject: item.subject ?? item.title,
    date: item.sentAt?.toISOString(),
    greeting: item.greeting,
    signOff: item.signOff,
    removed: item.removed ?? nothingRemoved,
    quotes: item.passages
      .filter((passage) => passage.role === 'quote' || passage.role === 'forward')
      .map((passage) => ({ kind: passage.role, author: formatAddress(passage.author), text: passage.text })),
  };
}

function formatAddress(address: Address | undefined): string | undefined {
  if (!address) return undefined;
  if (address.name && address.address) return `${address.name} <${address.address}>`;
  return address.name ?? address.address;
}
