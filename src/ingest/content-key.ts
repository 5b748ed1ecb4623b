/**
 * Dedupe keys. The same message reaches us as .eml, inside an mbox and as .msg,
 * with different whitespace, line endings and quoting; keys ignore all of that.
 */
import { createHash } from 'node:crypto';

export function contentKey(...parts: (string | undefined)[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(normaliseForKey(part ?? '')).update('\u0000');
  return hash.digest('hex').slice(0, 40);
}

/** Letters and digits only, lower case: formatting differences vanish, words do not. */
export function normaliseForKey(text: string): string {
  return text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
}

/** "Re: Fwd: AW: Plans" → "plans": a thread's replies share the base subject. */
export function baseSubject(subject: string | undefined): string {
  return (subject ?? '')
    .replace(/^(\s*(re|fw|fwd|aw|wg|sv|vs|tr|rif|r)\s*(\[\d+\])?\s*:\s*)+/i, '')
    .trim()
    .toLowerCase();
}
