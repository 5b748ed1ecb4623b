/**
 * What readers yield: one record per logical unit found in a file, before cleaning
 * and attribution. Readers only parse; they never decide who the persona is.
 */
export interface Address {
  name?: string;
  address?: string;
}

export interface AttachmentRecord {
  filename: string;
  contentType: string;
  content: Buffer;
}

export interface EmailRecord {
  kind: 'email';
  messageId?: string;
  inReplyTo?: string;
  references: string[];
  from?: Address;
  to: Address[];
  cc: Address[];
  date?: Date;
  subject?: string;
  /** The text/plain body; absent when the mail is HTML only. */
  text?: string;
  /** The text/html body, when there is one. */
  html?: string;
  attachments: AttachmentRecord[];
}

export interface DocumentPage {
  /** 1-based page number, for formats that have pages. */
  page?: number;
  text: string;
}

export interface DocumentRecord {
  kind: 'document';
  title: string;
  /** The author named by the file's own metadata, if any. */
  author?: string;
  date?: Date;
  pages: DocumentPage[];
  /** The format, e.g. 'pdf', 'docx', 'markdown'. */
  format: string;
}

export interface ChatRecord {
  kind: 'chat';
  conversationId: string;
  conversationTitle?: string;
  messageId: string;
  date?: Date;
  /** What the account holder wrote. */
  text: string;
  /** The message it answered, kept as context (never the persona's words). */
  context?: { author: string; text: string };
}

export interface InterviewRecord {
  kind: 'interview';
  question: string;
  answer: string;
  tone?: string;
  category?: string;
  date?: Date;
}

/** A unit inside a container file (one message of an mbox) that could not be read; the rest go on. */
export interface SkippedRecord {
  kind: 'skipped';
  /** Where in the file, e.g. "message 812 (byte 1048576)". */
  position: string;
  reason: string;
}

export type SourceRecord = EmailRecord | DocumentRecord | ChatRecord | InterviewRecord | SkippedRecord;

/** Limits a reader enforces so that one hostile file cannot exhaust the machine. */
export interface ReadLimits {
  maxFileBytes: number;
  maxUnzippedBytes: number;
}

export interface ReadOptions {
  signal?: AbortSignal;
  limits: ReadLimits;
  /** Called now and then with the bytes of the file consumed so far (large streamed files). */
  onBytesRead?: (bytes: number) => void;
}

/**
 * A reader for one format. `read` yields records as it finds them (mbox files stream);
 * it throws InputError (naming the file) when the file cannot be read at all.
 */
export interface SourceReader {
  /** The source type stored with the file, e.g. 'eml', 'mbox', 'pdf'. */
  readonly type: string;
  read(file: string, options: ReadOptions): AsyncIterable<SourceRecord>;
}
