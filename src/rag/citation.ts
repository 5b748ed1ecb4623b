/** Where a passage came from, so an answer can cite it: file, subject or title, date, page. */
import path from 'node:path';
import type { CatalogChunk } from './chunk-catalog.js';

export interface Citation {
  source: string;
  subject?: string;
  date?: string;
  page?: number;
  author?: string;
  /** One human line, e.g. `02-re-borehole-logs.eml — "Re: Borehole logs", 2025-03-04`. */
  label: string;
}

export function citationFor(chunk: CatalogChunk): Citation {
  const subject = chunk.subject ?? chunk.title;
  const date = chunk.sentAt?.slice(0, 10);
  const author = chunk.authorName ?? chunk.authorAddress;
  const parts = [path.basename(chunk.source)];
  if (subject) parts.push(`"${subject}"`);
  if (chunk.page !== undefined) parts.push(`page ${chunk.page}`);
  if (date) parts.push(date);
  return { source: chunk.source, subject, date, page: chunk.page, author, label: `${parts[0]} — ${parts.slice(1).join(', ')}`.replace(/ — $/, '') };
}
