/**
 * One RFC 5322 message (bytes) → an EmailRecord, through mailparser. Shared by the
 * .eml, mbox and Maildir readers. Bytes that hold no mail headers are not an email.
 */
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import type { Address, AttachmentRecord, EmailRecord } from '../source-record.js';

/** Attachments worth ingesting as documents of their own; images and the like are dropped. */
const ingestableAttachmentTypes = new Map<string, string>([
  ['application/pdf', '.pdf'],
  ['application/vnd.openxmlformats-officedocument.wordprocessingml.document', '.docx'],
]);

const recognisedHeaders = ['from', 'to', 'subject', 'date', 'message-id', 'received', 'return-path', 'mime-version'];

export class NotAnEmailError extends Error {}

export async function parseEmail(raw: Buffer, maxAttachmentBytes: number): Promise<EmailRecord> {
  if (raw.length === 0) throw new NotAnEmailError('empty file');
  if (looksBinary(raw)) throw new NotAnEmailError('binary data, not an email');
  const parsed = await simpleParser(raw, {
    skipHtmlToText: true,
    skipTextToHtml: true,
    skipTextLinks: true,
    skipImageLinks: true,
  });
  if (!recognisedHeaders.some((name) => parsed.headers.has(name))) {
    throw new NotAnEmailError('no mail headers (From, Date, Subject, Message-ID) found');
  }
  return toEmailRecord(parsed, maxAttachmentBytes);
}

function toEmailRecord(parsed: ParsedMail, maxAttachmentBytes: number): EmailRecord {
  return {
    kind: 'email',
    messageId: normaliseMessageId(parsed.messageId),
    inReplyTo: normaliseMessageId(parsed.inReplyTo),
    references: toArray(parsed.references).flatMap((reference) => reference.split(/\s+/)).map(normaliseMessageId).filter(isString),
    from: firstAddress(parsed.from),
    to: addresses(parsed.to),
    cc: addresses(parsed.cc),
    date: parsed.date && !Number.isNaN(parsed.date.getTime()) ? parsed.date : undefined,
    subject: parsed.subject?.trim() || undefined,
    text: parsed.text?.trim() ? parsed.text : undefined,
    html: typeof parsed.html === 'string' && parsed.html.trim() ? parsed.html : undefined,
    attachments: parsed.attachments.flatMap((attachment): AttachmentRecord[] => {
      const extension = ingestableAttachmentTypes.get(attachment.contentType.toLowerCase()) ?? extensionOf(attachment.filename);
      if (!extension || ![...ingestableAttachmentTypes.values()].includes(extension)) return [];
      if (attachment.content.length > maxAttachmentBytes) return [];
      const filename = attachment.filename ?? `attachment${extension}`;
      return [{ filename, contentType: attachment.contentType, content: attachment.content }];
    }),
  };
}

/** `<Abc@Host>` → `abc@host`: Message-IDs compare case-insensitively across clients in practice. */
export function normaliseMessageId(value: string | undefined): string | undefined {
  const trimmed = value?.trim().replace(/^<|>$/g, '').trim().toLowerCase();
  return trimmed ? trimmed : undefined;
}

function firstAddress(value: AddressObject | AddressObject[] | undefined): Address | undefined {
  return addresses(value)[0];
}

function addresses(value: AddressObject | AddressObject[] | undefined): Address[] {
  return toArray(value).flatMap((group) =>
    group.value.flatMap((entry) => {
      const members = entry.group?.length ? entry.group : [entry];
      return members.map((member) => ({
        name: member.name?.trim() || undefined,
        address: member.address?.trim().toLowerCase() || undefined,
      }));
    }),
  );
}

function toArray<T>(value: T | T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

function extensionOf(filename: string | undefined): string | undefined {
  const match = filename?.toLowerCase().match(/\.[a-z0-9]+$/);
  return match?.[0];
}

function isString(value: string | undefined): value is string {
  return value !== undefined;
}

/** NUL bytes or a high share of control bytes in the first 4 KiB: not a text message. */
function looksBinary(raw: Buffer): boolean {
  const sample = raw.subarray(0, 4096);
  let control = 0;
  for (const byte of sample) {
    if (byte === 0) return true;
    if (byte < 9 || (byte > 13 && byte < 32)) control += 1;
  }
  return control / sample.length > 0.05;
}
