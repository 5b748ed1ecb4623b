/**
 * What the email cleaner returns: the words a human reader would call "the message",
 * plus everything it took away, so later stages (attribution, style features, context
 * for training pairs) can use the removed parts without re-parsing the body.
 */

export interface QuotedBlock {
  kind: 'quote' | 'forward';
  /**
   * Who wrote the quoted text, parsed from the attribution line or header block
   * ("On Tue, Bob <b@x> wrote:", "From: Bob Smith <b@x>" in an Outlook
   * "-----Original Message-----" block or a forwarded header).
   */
  author?: { name?: string; address?: string };
  /** The date as written in the attribution, if any. */
  dateText?: string;
  subject?: string;
  /** The quoted text itself, `>` markers removed, itself NOT recursively cleaned. */
  text: string;
}

export interface RemovedLineCounts {
  quote: number;
  signature: number;
  disclaimer: number;
  greeting: number;
  footer: number;
}

export interface CleanedEmail {
  /** The visible message: no quotes, signature, disclaimer, footer, greeting or sign-off. */
  text: string;
  /** e.g. "Hi Bob," — removed from text, kept as a style feature. */
  greeting?: string;
  /** e.g. "Cheers," or "Best regards," — removed from text, kept as a style feature. */
  signOff?: string;
  quotes: QuotedBlock[];
  /** Number of non-blank lines removed per rule. */
  removed: RemovedLineCounts;
}

export interface CleanEmailInput {
  text?: string;
  html?: string;
}

export interface CleanEmailOptions {
  /** The sender's display-name words (e.g. ["Ada", "Quill"]), to spot the name line after a sign-off. */
  authorNames?: string[];
}

export type RemovalRule = keyof RemovedLineCounts;
