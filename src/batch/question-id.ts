/** A question's stable id when its file gives none: the same text gets the same id on every run. */
import { createHash } from 'node:crypto';

export function questionId(question: string): string {
  return createHash('sha256').update(question.trim().replace(/\s+/g, ' ')).digest('hex').slice(0, 12);
}

/** Ids become part of file names: letters, digits, "-" and "_" only, at most 64 characters. */
export function isSafeQuestionId(id: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/.test(id);
}
