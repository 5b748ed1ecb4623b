/**
 * Writes a real Outlook .msg file (an OLE compound file holding MAPI property streams, as
 * [MS-OXMSG] lays them out) so tests and the examples need no binary fixture from Outlook.
 * Strings are Unicode (PT_UNICODE, UTF-16LE), as Outlook has written them since 2003.
 */
import CFB from 'cfb';
import iconv from 'iconv-lite';

export interface MsgAddress {
  name?: string;
  address: string;
}

export interface MsgAttachment {
  filename: string;
  contentType: string;
  content: Buffer;
}

export interface MsgFileOptions {
  subject: string;
  body?: string;
  html?: string;
  from: MsgAddress;
  to: MsgAddress[];
  cc?: MsgAddress[];
  date: Date;
  messageId: string;
  inReplyTo?: string;
  references?: string[];
  attachments?: MsgAttachment[];
  /** Write the transport headers (PidTagTransportMessageHeaders); default true. */
  transportHeaders?: boolean;
  /** Write strings as ANSI (PT_STRING8) in this Windows code page, as pre-2003 Outlook did; default Unicode. */
  ansiCodePage?: number;
}

const PT_LONG = 0x0003;
const PT_STRING8 = 0x001e;
const PT_UNICODE = 0x001f;
const PT_SYSTIME = 0x0040;
const PT_BINARY = 0x0102;
/** PROPATTR_READABLE | PROPATTR_WRITABLE */
const PROPERTY_FLAGS = 0x6;
const MAPI_TO = 1;
const MAPI_CC = 2;
const MAPI_MAILUSER = 6;
const MAPI_ATTACH = 7;
const ATTACH_BY_VALUE = 1;
const CODE_PAGE_UTF8 = 65001;
const CODE_PAGE_WINDOWS_1252 = 1252;
const MILLISECONDS_BETWEEN_1601_AND_1970 = 11_644_473_600_000n;

interface Property {
  id: number;
  type: number;
  value: number | string | Buffer | Date;
}

export function makeMsgFile(options: MsgFileOptions): Buffer {
  const container = CFB.utils.cfb_new();
  const recipients = [
    ...options.to.map((address) => ({ address, type: MAPI_TO })),
    ...(options.cc ?? []).map((address) => ({ address, type: MAPI_CC })),
  ];
  const attachments = options.attachments ?? [];
  const message: Property[] = [
    { id: 0x001a, type: PT_UNICODE, value: 'IPM.Note' },
    { id: 0x0037, type: PT_UNICODE, value: options.subject },
    { id: 0x0e1d, type: PT_UNICODE, value: options.subject },
    { id: 0x0c1a, type: PT_UNICODE, value: options.from.name ?? options.from.address },
    { id: 0x0c1e, type: PT_UNICODE, value: 'SMTP' },
    { id: 0x0c1f, type: PT_UNICODE, value: options.from.address },
    { id: 0x5d01, type: PT_UNICODE, value: options.from.address },
    { id: 0x1035, type: PT_UNICODE, value: options.messageId },
    { id: 0x0e04, type: PT_UNICODE, value: options.to.map(displayName).join('; ') },
    { id: 0x0e03, type: PT_UNICODE, value: (options.cc ?? []).map(displayName).join('; ') },
    { id: 0x0039, type: PT_SYSTIME, value: options.date },
    { id: 0x0e06, type: PT_SYSTIME, value: new Date(options.date.getTime() + 60_000) },
    { id: 0x0e07, type: PT_LONG, value: 1 },
    { id: 0x3fde, type: PT_LONG, value: CODE_PAGE_UTF8 },
    { id: 0x3ffd, type: PT_LONG, value: CODE_PAGE_WINDOWS_1252 },
  ];
  if (options.body !== undefined) message.push({ id: 0x1000, type: PT_UNICODE, value: options.body });
  if (options.html !== undefined) message.push({ id: 0x1013, type: PT_BINARY, value: Buffer.from(options.html, 'utf8') });
  if (options.inReplyTo) message.push({ id: 0x1042, type: PT_UNICODE, value: options.inReplyTo });
  if (options.references?.length) message.push({ id: 0x1039, type: PT_UNICODE, value: options.references.join(' ') });
  if (options.transportHeaders ?? true) message.push({ id: 0x007d, type: PT_UNICODE, value: transportHeaders(options) });

  if (options.ansiCodePage !== undefined) {
    // Only the message's own strings go ANSI: enough to exercise a reader's code-page handling.
    const encoding = `cp${options.ansiCodePage}`;
    for (const property of message) {
      if (property.type !== PT_UNICODE) continue;
      property.type = PT_STRING8;
      property.value = iconv.encode(property.value as string, encoding);
    }
    const codePage = message.find((property) => property.id === 0x3ffd);
    if (codePage) codePage.value = options.ansiCodePage;
  }
  addProperties(container, '', message, topLevelHeader(recipients.length, attachments.length));
  recipients.forEach(({ address, type }, index) => {
    addProperties(
      container,
      `__recip_version1.0_#${index.toString(16).toUpperCase().padStart(8, '0')}/`,
      [
        { id: 0x0c15, type: PT_LONG, value: type },
        { id: 0x3000, type: PT_LONG, value: index },
        { id: 0x0ffe, type: PT_LONG, value: MAPI_MAILUSER },
        { id: 0x3001, type: PT_UNICODE, value: address.name ?? address.address },
        { id: 0x3002, type: PT_UNICODE, value: 'SMTP' },
        { id: 0x3003, type: PT_UNICODE, value: address.address },
        { id: 0x39fe, type: PT_UNICODE, value: address.address },
      ],
      Buffer.alloc(8),
    );
  });
  attachments.forEach((attachment, index) => {
    const extension = /\.[^.]+$/.exec(attachment.filename)?.[0] ?? '';
    addProperties(
      container,
      `__attach_version1.0_#${index.toString(16).toUpperCase().padStart(8, '0')}/`,
      [
        { id: 0x0e21, type: PT_LONG, value: index },
        { id: 0x3705, type: PT_LONG, value: ATTACH_BY_VALUE },
        { id: 0x0ffe, type: PT_LONG, value: MAPI_ATTACH },
        { id: 0x0e20, type: PT_LONG, value: attachment.content.length },
        { id: 0x3001, type: PT_UNICODE, value: attachment.filename },
        { id: 0x3703, type: PT_UNICODE, value: extension },
        { id: 0x3704, type: PT_UNICODE, value: attachment.filename },
        { id: 0x3707, type: PT_UNICODE, value: attachment.filename },
        { id: 0x370e, type: PT_UNICODE, value: attachment.contentType },
        { id: 0x3701, type: PT_BINARY, value: attachment.content },
      ],
      Buffer.alloc(8),
    );
  });
  // Outlook expects the named-property mapping storage even when no named property is used.
  for (const stream of ['__substg1.0_00020102', '__substg1.0_00030102', '__substg1.0_00040102']) {
    CFB.utils.cfb_add(container, `/__nameid_version1.0/${stream}`, Buffer.alloc(0));
  }
  // cfb seeds every new container with a placeholder stream that no .msg has.
  CFB.utils.cfb_del(container, '/\u0001Sh33tJ5');
  return Buffer.from(CFB.write(container, { type: 'buffer' }) as Uint8Array);
}

/**
 * Each storage gets one stream per variable-length property plus `__properties_version1.0`,
 * a header followed by 16-byte entries: tag, flags, and the value (or, for streams, its size).
 */
function addProperties(container: CFB.CFB$Container, storage: string, properties: Property[], header: Buffer): void {
  const entries: Buffer[] = [header];
  for (const property of properties) {
    const tag = ((property.id << 16) | property.type) >>> 0;
    const entry = Buffer.alloc(16);
    entry.writeUInt32LE(tag, 0);
    entry.writeUInt32LE(PROPERTY_FLAGS, 4);
    if (property.type === PT_LONG) {
      entry.writeUInt32LE(property.value as number, 8);
    } else if (property.type === PT_SYSTIME) {
      entry.writeBigUInt64LE(fileTime(property.value as Date), 8);
    } else {
      const data = property.type === PT_UNICODE ? Buffer.from(property.value as string, 'utf16le') : (property.value as Buffer);
      const name = `__substg1.0_${tag.toString(16).toUpperCase().padStart(8, '0')}`;
      CFB.utils.cfb_add(container, `/${storage}${name}`, data);
      // A string's size counts the terminating NUL that the stream leaves out.
      const terminator = property.type === PT_UNICODE ? 2 : property.type === PT_STRING8 ? 1 : 0;
      entry.writeUInt32LE(data.length + terminator, 8);
    }
    entries.push(entry);
  }
  CFB.utils.cfb_add(container, `/${storage}__properties_version1.0`, Buffer.concat(entries));
}

/** A top-level message's property stream starts with 32 bytes: counts and next ids of recipients and attachments. */
function topLevelHeader(recipientCount: number, attachmentCount: number): Buffer {
  const header = Buffer.alloc(32);
  header.writeUInt32LE(recipientCount, 8);
  header.writeUInt32LE(attachmentCount, 12);
  header.writeUInt32LE(recipientCount, 16);
  header.writeUInt32LE(attachmentCount, 20);
  return header;
}

function fileTime(date: Date): bigint {
  return (BigInt(date.getTime()) + MILLISECONDS_BETWEEN_1601_AND_1970) * 10_000n;
}

function displayName(address: MsgAddress): string {
  return address.name ?? address.address;
}

function formatAddress(address: MsgAddress): string {
  return address.name ? `"${address.name}" <${address.address}>` : `<${address.address}>`;
}

function transportHeaders(options: MsgFileOptions): string {
  const lines = [
    `From: ${formatAddress(options.from)}`,
    `To: ${options.to.map(formatAddress).join(', ')}`,
    ...(options.cc?.length ? [`Cc: ${options.cc.map(formatAddress).join(', ')}`] : []),
    `Subject: ${options.subject}`,
    `Date: ${options.date.toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: ${options.messageId}`,
    ...(options.inReplyTo ? [`In-Reply-To: ${options.inReplyTo}`] : []),
    ...(options.references?.length ? [`References: ${options.references.join('\r\n ')}`] : []),
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset="utf-8"',
  ];
  return `${lines.join('\r\n')}\r\n\r\n`;
}
