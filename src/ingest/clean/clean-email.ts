/**
 * The email cleaner's entry point: one body in, the visible message out, with what
 * was removed alongside. Pure and synchronous; rules run in a fixed order because
 * each narrows what the next one sees:
 *
 *   quotes → footers → disclaimers → signature/sign-off → greeting
 *
 * Footers and disclaimers go before the signature so that the signature rule finds
 * the sign-off at the end of what is left.
 */
import type { CleanEmailInput, CleanEmailOptions, CleanedEmail } from './cleaned-email.js';
import { detectDisclaimers } from './disclaimer-detector.js';
import { detectFooter } from './footer-detector.js';
import { detectGreeting } from './greeting-detector.js';
import { htmlToPlainText } from './html-to-plain-text.js';
import { countRemovedLines, createLineSheet } from './line-sheet.js';
import { detectQuotes } from './quote-detector.js';
import { detectSignature } from './signature-detector.js';
import { splitBodyIntoLines, visibleText } from './whitespace.js';

export type { CleanEmailInput, CleanEmailOptions, CleanedEmail, QuotedBlock, RemovedLineCounts } from './cleaned-email.js';

function bodyText(input: CleanEmailInput): string {
  if (input.text !== undefined && input.text.trim().length > 0) return input.text;
  if (input.html !== undefined && input.html.trim().length > 0) return htmlToPlainText(input.html);
  return '';
}

export function cleanEmail(input: CleanEmailInput, options: CleanEmailOptions = {}): CleanedEmail {
  // Callers may pass a whole display name ("Ada Quill") where words are expected.
  const authorNames = (options.authorNames ?? []).flatMap((name) => name.split(/\s+/)).filter((name) => name.length > 0);
  const sheet = createLineSheet(splitBodyIntoLines(bodyText(input)));

  const quotes = detectQuotes(sheet);
  detectFooter(sheet);
  detectDisclaimers(sheet);
  let { signOff } = detectSignature(sheet, authorNames);
  let greeting = detectGreeting(sheet);

  let text = visibleText(sheet);
  const removed = countRemovedLines(sheet);
  // Never lose the message: a reply that is only "Thanks!" (or only "Hey!") is that
  // line, not an empty message with a sign-off.
  if (text.length === 0 && signOff !== undefined) {
    text = signOff;
    signOff = undefined;
    removed.signature -= 1;
  } else if (text.length === 0 && greeting !== undefined) {
    text = greeting;
    greeting = undefined;
    removed.greeting -= 1;
  }

  const cleaned: CleanedEmail = { text, quotes, removed };
  if (greeting !== undefined) cleaned.greeting = greeting;
  if (signOff !== undefined) cleaned.signOff = signOff;
  return cleaned;
}
