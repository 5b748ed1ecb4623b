/**
 * An item ready for the store: cleaned, attributed, with its dedupe keys. Built from
 * a SourceRecord by `prepareItem`; chunks are cut from its passages when it is stored.
 */
import type { Address } from './source-record.js';

export type ItemKind = 'email' | 'document' | 'chat' | 'interview';
export type PassageRole = 'body' | 'quote' | 'forward' | 'context' | 'question';

export interface PreparedPassage {
  role: PassageRole;
  text: string;
  page?: number;
  author?: Address;
  isPersona: boolean;
}

export interface RemovedLines {
  quote: number;
  signature: number;
  disclaimer: number;
  greeting: number;
  footer: number;
}

export interface PreparedItem {
  kind: ItemKind;
  messageId?: string;
  contentKey: string;
  threadKey?: string;
  inReplyTo?: string;
  subject?: string;
  title?: string;
  author?: Address;
  isPersona: boolean;
  recipients: Address[];
  sentAt?: Date;
  greeting?: string;
  signOff?: string;
  removed?: RemovedLines;
  metadata: Record<string, unknown>;
  passages: PreparedPassage[];
  /** Documents attached to an email, stored as items of their own linked to it. */
  attachments: PreparedItem[];
  interview?: { question: string; answer: string; tone?: string; category?: string };
}

/** Passages whose text is worth retrieving: the body, and forwarded content. Quotes repeat earlier mail. */
export function isRetrievable(passage: PreparedPassage): boolean {
  return passage.role === 'body' || passage.role === 'forward';
}
