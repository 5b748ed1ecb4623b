/**
 * The "From: / Sent: / To: / Subject:" block that Outlook, Apple Mail and Gmail put at
 * the top of a quoted or forwarded message, in the languages Outlook ships in.
 */
import { parseMailbox, type Mailbox } from './mailbox-text.js';

type FieldRole = 'from' | 'date' | 'to' | 'cc' | 'subject' | 'other';

const FIELD_ROLES: Record<string, FieldRole> = {
  from: 'from', de: 'from', von: 'from', van: 'from', da: 'from',
  sent: 'date', date: 'date', envoyé: 'date', envoye: 'date', "date d'envoi": 'date', gesendet: 'date',
  datum: 'date', 'enviado el': 'date', enviado: 'date', 'enviada em': 'date', fecha: 'date',
  verzonden: 'date', inviato: 'date', data: 'date',
  to: 'to', à: 'to', a: 'to', an: 'to', aan: 'to', para: 'to',
  cc: 'cc', bcc: 'cc', kopie: 'cc', cco: 'cc',
  subject: 'subject', objet: 'subject', betreff: 'subject', asunto: 'subject', onderwerp: 'subject',
  oggetto: 'subject', assunto: 'subject',
  'reply-to': 'other', importance: 'other', 'antwort an': 'other', priority: 'other',
};

// Longer keys first so "enviado el" wins over "enviado"; keys may be bolded with * or _.
// The keys hold no characters special to a regular expression outside a class.
const FIELD_KEYS = Object.keys(FIELD_ROLES)
  .sort((left, right) => right.length - left.length)
  .join('|');
const FIELD_LINE = new RegExp(`^\\s*[*_]{0,2}(${FIELD_KEYS})[*_]{0,2}\\s?:[*_]{0,2}(?:\\s+|$)(.*)$`, 'i');
const MAX_FIELD_LINE_LENGTH = 1000;
/** Recipient lists wrap; a continuation line holds addresses or separators. */
const RECIPIENT_CONTINUATION = /@|;|^\s*[<"]/;

export interface HeaderBlock {
  /** Index one past the block's last line. */
  end: number;
  author?: Mailbox;
  dateText?: string;
  subject?: string;
  roles: Set<FieldRole>;
  firstRole: FieldRole;
}

function readField(line: string): { role: FieldRole; value: string } | undefined {
  if (line.length > MAX_FIELD_LINE_LENGTH) return undefined;
  const match = FIELD_LINE.exec(line);
  if (match?.[1] === undefined) return undefined;
  const role = FIELD_ROLES[match[1].toLowerCase()];
  return role === undefined ? undefined : { role, value: (match[2] ?? '').trim() };
}

/** Reads consecutive header fields starting at `start`; undefined when none is there. */
export function readHeaderBlock(lines: readonly string[], start: number): HeaderBlock | undefined {
  const first = readField(lines[start] ?? '');
  if (first === undefined) return undefined;
  const block: HeaderBlock = { end: start, roles: new Set(), firstRole: first.role };
  let previousRole: FieldRole | undefined;
  for (let index = start; index < lines.length && index < start + 30; index++) {
    const line = lines[index] ?? '';
    const field = readField(line);
    if (field === undefined) {
      const continues = (previousRole === 'to' || previousRole === 'cc') && line.trim().length > 0 && line.length < 500;
      if (continues && RECIPIENT_CONTINUATION.test(line)) {
        block.end = index + 1;
        continue;
      }
      break;
    }
    block.roles.add(field.role);
    previousRole = field.role;
    block.end = index + 1;
    const value = field.value.replace(/^\*+|\*+$/g, '').trim();
    if (field.role === 'from' && block.author === undefined) {
      const author = parseMailbox(field.value);
      if (author !== undefined) block.author = author;
    } else if (field.role === 'date' && block.dateText === undefined && value.length > 0) {
      block.dateText = value;
    } else if (field.role === 'subject' && block.subject === undefined && value.length > 0) {
      block.subject = value;
    }
  }
  return block;
}

/**
 * A header block that stands on its own, without a separator line above it: it must
 * open with the sender and name at least two more of date, recipients and subject,
 * which ordinary prose that happens to start with "From:" does not.
 */
export function isStandaloneHeaderBlock(block: HeaderBlock): boolean {
  if (block.firstRole !== 'from') return false;
  let others = 0;
  for (const role of ['date', 'to', 'subject'] as const) if (block.roles.has(role)) others++;
  return others >= 2;
}
