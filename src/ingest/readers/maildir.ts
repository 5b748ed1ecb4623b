/** Maildir folders hold one message per file, without extension, under cur/ and new/. */
import { existsSync } from 'node:fs';
import path from 'node:path';

export function isMaildirMessage(file: string): boolean {
  const folder = path.basename(path.dirname(file));
  if (folder !== 'cur' && folder !== 'new') return false;
  const maildir = path.dirname(path.dirname(file));
  return existsSync(path.join(maildir, 'cur')) && existsSync(path.join(maildir, 'new'));
}
