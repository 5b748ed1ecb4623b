/**
 * SourceRecord → PreparedItem: cleaning, author attribution and dedupe keys.
 * The persona's own passages become the style corpus; everyone else's text is
 * kept as knowledge context, attributed to whoever wrote it.
 */
import { cleanEmail } from './clean/clean-email.js';
import { baseSubject, contentKey } from './content-key.js';
import type { PersonaIdentity } from './persona-identity.js';
import type { PreparedItem, PreparedPassage } from './prepared-item.js';
import type { Address, ChatRecord, DocumentRecord, EmailRecord, InterviewRecord } from './source-record.js';

const chatAssistantName = 'ChatGPT';
const interviewerName = 'Interviewer';
/** Names office suites write into documents by default: they say nothing about the author. */
const placeholderAuthors = /^(microsoft office user|windows user|user|admin|administrator|author|owner|unknown|pc|mac)$/i;

export function prepareEmail(record: EmailRecord, identity: PersonaIdentity): PreparedItem {
  const authorNames = record.from?.name?.split(/[\s,]+/).filter((word) => word.length > 1) ?? [];
  const cleaned = cleanEmail({ text: record.text, html: record.html }, { authorNames });
  const isPersona = identity.matches(record.from);
  const passages: PreparedPassage[] = [];
  if (cleaned.text) passages.push({ role: 'body', text: cleaned.text, author: record.from, isPersona });
  for (const quote of cleaned.quotes) {
    if (!quote.text.trim()) continue;
    passages.push({ role: quote.kind, text: quote.text, author: quote.author, isPersona: identity.matches(quote.author) });
  }
  return {
    kind: 'email',
    messageId: record.messageId,
    contentKey: contentKey('email', record.from?.address ?? record.from?.name, baseSubject(record.subject), cleaned.text),
    threadKey: record.references[0] ?? record.inReplyTo ?? record.messageId ?? `subject:${baseSubject(record.subject)}`,
    inReplyTo: record.inReplyTo,
    subject: record.subject,
    author: record.from,
    isPersona,
    recipients: [...record.to, ...record.cc],
    sentAt: record.date,
    greeting: cleaned.greeting,
    signOff: cleaned.signOff,
    removed: cleaned.removed,
    metadata: {},
    passages,
    attachments: [],
  };
}

/**
 * `carrier` is the sender of the email a document came attached to: an attachment from
 * someone else is theirs, unless its own metadata names the persona.
 */
export function prepareDocument(record: DocumentRecord, identity: PersonaIdentity, carrier?: Address): PreparedItem {
  const namedAuthor = record.author && !placeholderAuthors.test(record.author.trim()) ? record.author.trim() : undefined;
  const author: Address | undefined = namedAuthor
    ? { name: namedAuthor, address: carrier?.name === namedAuthor ? carrier.address : undefined }
    : carrier;
  const isPersona = documentIsPersona(namedAuthor, carrier, identity);
  const passages = record.pages
    .filter((page) => page.text.trim())
    .map((page): PreparedPassage => ({ role: 'body', text: page.text.trim(), page: page.page, author, isPersona }));
  return {
    kind: 'document',
    contentKey: contentKey('document', ...record.pages.map((page) => page.text)),
    title: record.title,
    author,
    isPersona,
    recipients: [],
    sentAt: record.date,
    metadata: { format: record.format, pages: record.pages.length },
    passages,
    attachments: [],
  };
}

/**
 * Files in the persona's own corpus are theirs, unless their metadata names somebody
 * else and we know the persona's names to compare with.
 */
function documentIsPersona(namedAuthor: string | undefined, carrier: Address | undefined, identity: PersonaIdentity): boolean {
  if (namedAuthor && identity.matches(namedAuthor)) return true;
  if (carrier && !identity.matches(carrier)) return false;
  if (!namedAuthor) return true;
  return identity.names.length === 0;
}

export function prepareChat(record: ChatRecord): PreparedItem {
  const author: Address = { name: 'account holder' };
  const passages: PreparedPassage[] = [{ role: 'body', text: record.text.trim(), author, isPersona: true }];
  if (record.context?.text.trim()) {
    passages.push({ role: 'context', text: record.context.text.trim(), author: { name: record.context.author || chatAssistantName }, isPersona: false });
  }
  return {
    kind: 'chat',
    messageId: `chatgpt:${record.messageId}`,
    contentKey: contentKey('chat', record.context?.text, record.text),
    threadKey: `chatgpt:${record.conversationId}`,
    subject: record.conversationTitle,
    author,
    isPersona: true,
    recipients: [{ name: chatAssistantName }],
    sentAt: record.date,
    metadata: { conversationId: record.conversationId },
    passages,
    attachments: [],
  };
}

export function prepareInterview(record: InterviewRecord): PreparedItem {
  const question = record.question.trim();
  const answer = record.answer.trim();
  return {
    kind: 'interview',
    contentKey: contentKey('interview', question, answer),
    subject: question,
    author: { name: 'persona' },
    isPersona: true,
    recipients: [{ name: interviewerName }],
    sentAt: record.date,
    metadata: { tone: record.tone, category: record.category },
    passages: [
      { role: 'question', text: question, author: { name: interviewerName }, isPersona: false },
      { role: 'body', text: answer, isPersona: true },
    ],
    attachments: [],
    interview: { question, answer, tone: record.tone, category: record.category },
  };
}
