/**
 * PDF and DOCX attachments become documents of their own, linked to their email.
 * The readers work on files, so each attachment passes through a private temp file.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { privateTemporaryFolder } from '../private-temporary-folder.js';
import { describeError } from '../errors.js';
import { chooseReader } from './choose-reader.js';
import type { PersonaIdentity } from './persona-identity.js';
import { prepareDocument } from './prepare-item.js';
import type { PreparedItem } from './prepared-item.js';
import type { EmailRecord, ReadOptions } from './source-record.js';

export interface PreparedAttachments {
  documents: PreparedItem[];
  problems: { filename: string; reason: string }[];
}

export async function prepareAttachments(email: EmailRecord, identity: PersonaIdentity, options: ReadOptions): Promise<PreparedAttachments> {
  const result: PreparedAttachments = { documents: [], problems: [] };
  if (email.attachments.length === 0) return result;
  // On disk (attachments can be hundreds of MB), in this process's private 0700 folder, so an
  // ingest that is killed mid-message leaves the attachment only until the next start.
  const folder = await mkdtemp(path.join(privateTemporaryFolder('attachments', os.tmpdir()), 'message-'));
  try {
    for (const [index, attachment] of email.attachments.entries()) {
      const safeName = `${index}-${path.basename(attachment.filename).replace(/[^\w.-]+/g, '_')}`;
      const file = path.join(folder, safeName);
      await writeFile(file, attachment.content, { mode: 0o600 });
      try {
        const choice = await chooseReader(file, options.limits);
        if ('skip' in choice) {
          result.problems.push({ filename: attachment.filename, reason: choice.skip });
          continue;
        }
        for await (const record of choice.reader.read(file, options)) {
          if (record.kind !== 'document') continue;
          // A document without a title of its own is named after the attachment, not the temp file.
          const title = record.title === path.basename(safeName, path.extname(safeName)) ? attachment.filename : record.title;
          const document = prepareDocument({ ...record, title }, identity, email.from);
          document.metadata.attachmentFilename = attachment.filename;
          result.documents.push(document);
        }
      } catch (error) {
        if (options.signal?.aborted) throw error;
        result.problems.push({ filename: attachment.filename, reason: describeError(error).replace(`${file}: `, '') });
      } finally {
        await rm(file, { force: true });
      }
    }
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
  return result;
}
