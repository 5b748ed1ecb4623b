/**
 * Plain text and Markdown notes. Markdown keeps its markup (it is how the person wrote);
 * only YAML front matter is lifted off, because it is metadata, not prose.
 */
import path from 'node:path';
import type { DocumentRecord, SourceReader } from '../source-record.js';
import { decodeText } from './decode-text.js';
import { readFileWithinLimit } from './read-file-within-limit.js';

const MARKDOWN_EXTENSIONS = new Set(['.md', '.markdown', '.mdown', '.mkd']);

export function createTextReader(): SourceReader {
  return {
    type: 'text',
    async *read(file, { signal, limits }) {
      const bytes = await readFileWithinLimit(file, limits, signal);
      const { text } = decodeText(bytes, file);
      const fallbackTitle = path.basename(file, path.extname(file));
      if (!MARKDOWN_EXTENSIONS.has(path.extname(file).toLowerCase())) {
        yield { kind: 'document', format: 'text', title: fallbackTitle, pages: [{ text }] } satisfies DocumentRecord;
        return;
      }
      const { metadata, body } = splitFrontMatter(text);
      const record: DocumentRecord = {
        kind: 'document',
        format: 'markdown',
        title: metadata.get('title') || firstHeading(body) || fallbackTitle,
        pages: [{ text: body }],
      };
      const author = metadata.get('author');
      if (author) record.author = author;
      const date = parseDate(metadata.get('date'));
      if (date) record.date = date;
      yield record;
    },
  };
}

/** Reads the flat `key: value` lines of a leading `---` block; nested YAML is left alone. */
function splitFrontMatter(text: string): { metadata: Map<string, string>; body: string } {
  const metadata = new Map<string, string>();
  const match = /^---[ \t]*\n([\s\S]*?)\n(?:---|\.\.\.)[ \t]*(?:\n|$)/.exec(text);
  if (!match?.[1]) return { metadata, body: text };
  for (const line of match[1].split('\n')) {
    const pair = /^([A-Za-z][\w-]*)\s*:\s*(.*)$/.exec(line);
    if (!pair?.[1] || pair[2] === undefined) continue;
    metadata.set(pair[1].toLowerCase(), pair[2].trim().replace(/^(["'])(.*)\1$/, '$2'));
  }
  return { metadata, body: text.slice(match[0].length) };
}

function firstHeading(markdown: string): string | undefined {
  const atx = /^#[ \t]+(.+?)[ \t#]*$/m.exec(markdown);
  if (atx?.[1]) return atx[1].trim();
  const setext = /^(\S.*)\n=+[ \t]*$/m.exec(markdown);
  return setext?.[1]?.trim() || undefined;
}

function parseDate(value: string | undefined): Date | undefined {
  if (!value) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
