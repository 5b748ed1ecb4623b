/**
 * Outlook `.msg` files (a MAPI property set inside an OLE compound file), read with
 * @kenjiuno/msgreader into the same EmailRecord the .eml and mbox readers yield.
 */
import MsgReaderModule, { type FieldsData } from '@kenjiuno/msgreader';
import iconv from 'iconv-lite';
import { InputError } from '../../errors.js';
import type { Address, AttachmentRecord, EmailRecord, SourceReader } from '../source-record.js';
import { normaliseMessageId } from './email-parser.js';
import { findCompoundFileProblem } from './compound-file-inspector.js';
import { readFileWithinLimit } from './read-file-within-limit.js';

// The package is CommonJS with `exports.default`; imported from ESM, the class sits one level down.
const MsgReader = MsgReaderModule.default;

const COMPOUND_FILE_SIGNATURE = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
/** Old ANSI (non-Unicode) .msg files store text in the sender's code page; this is the usual one. */
const DEFAULT_ANSI_ENCODING = 'windows1252';
/** Properties msgreader does not name, read from its raw list: PidTagInReplyToId and PidTagInternetReferences. */
const IN_REPLY_TO_TAGS = ['1042001f', '1042001e'];
const REFERENCES_TAGS = ['1039001f', '1039001e'];

export function createMsgReader(): SourceReader {
  return {
    type: 'msg',
    async *read(file, { signal, limits }) {
      const bytes = await readFileWithinLimit(file, limits, signal);
      if (!bytes.subarray(0, COMPOUND_FILE_SIGNATURE.length).equals(COMPOUND_FILE_SIGNATURE)) {
        throw new InputError('input-unreadable', file, 'not an Outlook .msg file');
      }
      const problem = findCompoundFileProblem(bytes);
      if (problem) throw new InputError('input-unreadable', file, `a damaged .msg file: ${problem}`);
      const { reader, fields } = parseMessage(bytes, file);
      signal?.throwIfAborted();
      yield toEmailRecord(reader, fields, file);
    },
  };
}

function parseMessage(bytes: Buffer, file: string): { reader: InstanceType<typeof MsgReader>; fields: FieldsData } {
  let parsed = parseWith(bytes, file, DEFAULT_ANSI_ENCODING);
  // The code page is itself a property, so an ANSI message in another code page needs a second pass.
  const hasAnsiText = parsed.fields.rawProps?.some((property) => property.propertyTag?.endsWith('001e')) ?? false;
  const encoding = ansiEncoding(parsed.fields.messageCodepage ?? parsed.fields.internetCodepage);
  if (hasAnsiText && encoding && iconv.encodingExists(encoding)) parsed = parseWith(bytes, file, encoding);
  const { fields } = parsed;
  if (!fields.messageClass && !fields.subject && !fields.body && !fields.senderEmail && !fields.recipients?.length) {
    throw new InputError('input-unreadable', file, 'not an Outlook .msg file (a compound file without mail properties)');
  }
  return parsed;
}

/** The iconv name for a Windows code page, when it differs from the default first pass. */
function ansiEncoding(codePage: number | undefined): string | undefined {
  if (codePage === undefined || codePage === 1252 || codePage === 1200 || codePage === 1201) return undefined;
  return codePage === 65001 ? 'utf8' : `cp${codePage}`;
}

function parseWith(
  bytes: Buffer,
  file: string,
  ansiEncoding: string,
): { reader: InstanceType<typeof MsgReader>; fields: FieldsData } {
  try {
    // A copy: msgreader wants a whole ArrayBuffer, and a Buffer may be a view into a shared pool.
    const reader = new MsgReader(new Uint8Array(bytes).buffer);
    reader.parserConfig = { includeRawProps: true, ansiEncoding };
    const fields = reader.getFileData();
    if (fields.error || fields.dataType !== 'msg') {
      throw new InputError('input-unreadable', file, `not an Outlook .msg file${fields.error ? ` (${fields.error})` : ''}`);
    }
    return { reader, fields };
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError('input-unreadable', file, `a damaged .msg file (${(error as Error).message})`, { cause: error });
  }
}

function toEmailRecord(reader: InstanceType<typeof MsgReader>, fields: FieldsData, file: string): EmailRecord {
  const headers = parseHeaders(fields.headers ?? '');
  const recipients = fields.recipients ?? [];
  const record: EmailRecord = {
    kind: 'email',
    references: splitMessageIds(rawString(fields, REFERENCES_TAGS) ?? headers.get('references') ?? '')
      .map(normaliseMessageId)
      .filter((reference): reference is string => reference !== undefined),
    to: recipients.filter((recipient) => (recipient.recipType ?? 'to') === 'to').map(recipientAddress),
    cc: recipients.filter((recipient) => recipient.recipType === 'cc').map(recipientAddress),
    attachments: readAttachments(reader, fields, file),
  };
  // Normalised as the .eml and mbox readers do, so the same mail dedupes across formats.
  const messageId = normaliseMessageId(fields.messageId?.trim() || headers.get('message-id'));
  if (messageId) record.messageId = messageId;
  const inReplyTo = normaliseMessageId(rawString(fields, IN_REPLY_TO_TAGS) ?? headers.get('in-reply-to'));
  if (inReplyTo) record.inReplyTo = inReplyTo;
  const from = senderAddress(fields, headers);
  if (from) record.from = from;
  // The submit time is when the author sent it, the same moment an .eml's Date header records.
  const date = parseDate(fields.clientSubmitTime) ?? parseDate(headers.get('date')) ?? parseDate(fields.messageDeliveryTime);
  if (date) record.date = date;
  if (fields.subject) record.subject = fields.subject;
  if (fields.body) record.text = fields.body;
  const html = htmlBody(fields);
  if (html) record.html = html;
  return record;
}

function senderAddress(fields: FieldsData, headers: Map<string, string>): Address | undefined {
  const address = [fields.senderSmtpAddress, fields.senderEmail].find(isSmtpAddress) ?? angleAddress(headers.get('from'));
  const name = fields.senderName?.trim();
  if (!address && !name) return undefined;
  return { ...(name ? { name } : {}), ...(address ? { address } : {}) };
}

function recipientAddress(recipient: FieldsData): Address {
  const address = [recipient.smtpAddress, recipient.email].find(isSmtpAddress);
  // Outlook repeats the address as the display name when it knows no name.
  const name = recipient.name?.trim() === address ? undefined : recipient.name?.trim();
  return { ...(name ? { name } : {}), ...(address ? { address } : {}) };
}

/** Exchange-internal senders carry an X.500 path (`/O=EXCHANGELABS/…`), which is no address to attribute by. */
function isSmtpAddress(value: string | undefined): value is string {
  return typeof value === 'string' && value.includes('@') && !value.startsWith('/');
}

function angleAddress(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const address = /<([^<>@\s]+@[^<>\s]+)>/.exec(header)?.[1] ?? /([^\s<>"]+@[^\s<>"]+)/.exec(header)?.[1];
  return address;
}

function htmlBody(fields: FieldsData): string | undefined {
  if (fields.bodyHtml) return fields.bodyHtml;
  // Outlook usually stores HTML as bytes (PidTagHtml) in the message's internet code page.
  const binary = fields.html;
  if (!binary || binary.length === 0) return undefined;
  const codePage = fields.internetCodepage;
  const encoding = codePage === undefined || codePage === 65001 ? 'utf8' : `cp${codePage}`;
  return iconv.decode(Buffer.from(binary), iconv.encodingExists(encoding) ? encoding : 'utf8');
}

function readAttachments(reader: InstanceType<typeof MsgReader>, fields: FieldsData, file: string): AttachmentRecord[] {
  const attachments: AttachmentRecord[] = [];
  for (const [index, attachment] of (fields.attachments ?? []).entries()) {
    if (attachment.dataId === undefined && !attachment.innerMsgContent) continue;
    let content: Uint8Array;
    try {
      content = reader.getAttachment(attachment).content;
    } catch (error) {
      throw new InputError('input-unreadable', file, `attachment ${index + 1} cannot be read: ${(error as Error).message}`, {
        cause: error,
      });
    }
    const filename =
      attachment.fileName ||
      attachment.fileNameShort ||
      (attachment.innerMsgContent ? `${attachment.name ?? 'message'}.msg` : attachment.name) ||
      `attachment-${index + 1}`;
    const contentType =
      attachment.attachMimeTag || (attachment.innerMsgContent ? 'application/vnd.ms-outlook' : 'application/octet-stream');
    attachments.push({ filename, contentType, content: Buffer.from(content.buffer, content.byteOffset, content.byteLength) });
  }
  return attachments;
}

function rawString(fields: FieldsData, tags: readonly string[]): string | undefined {
  const property = fields.rawProps?.find((candidate) => candidate.propertyTag && tags.includes(candidate.propertyTag));
  return typeof property?.value === 'string' ? property.value.trim() || undefined : undefined;
}

/** The transport headers an .msg keeps from the original MIME message: unfolded, names lower-cased, first one wins. */
function parseHeaders(block: string): Map<string, string> {
  const headers = new Map<string, string>();
  const unfolded = block.replace(/\r\n/g, '\n').split(/\n\n/)[0]?.replace(/\n[ \t]+/g, ' ') ?? '';
  for (const line of unfolded.split('\n')) {
    const separator = line.indexOf(':');
    if (separator <= 0) continue;
    const name = line.slice(0, separator).trim().toLowerCase();
    if (!headers.has(name)) headers.set(name, line.slice(separator + 1).trim());
  }
  return headers;
}

function splitMessageIds(value: string): string[] {
  return value.match(/<[^<>\s]+>/g) ?? value.split(/\s+/).filter((part) => part !== '');
}

function parseDate(value: string | undefined): Date | undefined {
  if (!value) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
