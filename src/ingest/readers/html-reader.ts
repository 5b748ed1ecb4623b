/**
 * Saved web pages and HTML exports (blog posts, notes). Only the words are kept: link
 * targets, images, scripts and navigation are not the person's prose.
 */
import { htmlToText, type HtmlToTextOptions } from 'html-to-text';
import path from 'node:path';
import type { DocumentRecord, SourceReader } from '../source-record.js';
import { decodeText } from './decode-text.js';
import { readFileWithinLimit } from './read-file-within-limit.js';

const CONVERSION: HtmlToTextOptions = {
  wordwrap: false,
  selectors: [
    { selector: 'a', options: { ignoreHref: true } },
    { selector: 'img', format: 'skip' },
    { selector: 'script', format: 'skip' },
    { selector: 'style', format: 'skip' },
    { selector: 'noscript', format: 'skip' },
    { selector: 'template', format: 'skip' },
    { selector: 'svg', format: 'skip' },
    { selector: 'nav', format: 'skip' },
    // html-to-text shouts headings by default; the persona should not learn to.
    ...['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].map((selector) => ({ selector, options: { uppercase: false } })),
    { selector: 'table', options: { uppercaseHeaderCells: false } },
  ],
};

export function createHtmlReader(): SourceReader {
  return {
    type: 'html',
    async *read(file, { signal, limits }) {
      const bytes = await readFileWithinLimit(file, limits, signal);
      const { text: html } = decodeText(bytes, file, { html: true });
      signal?.throwIfAborted();
      const record: DocumentRecord = {
        kind: 'document',
        format: 'html',
        title: pageTitle(html) || path.basename(file, path.extname(file)),
        pages: [{ text: htmlToText(html, CONVERSION).trim() }],
      };
      const meta = metaContents(html);
      const author = meta.get('author') ?? meta.get('dc.creator') ?? meta.get('article:author');
      if (author) record.author = author;
      const date = parseDate(meta.get('date') ?? meta.get('dcterms.created') ?? meta.get('article:published_time'));
      if (date) record.date = date;
      yield record;
    },
  };
}

function pageTitle(html: string): string | undefined {
  const raw = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(html)?.[1];
  if (!raw) return undefined;
  return htmlToText(raw, { wordwrap: false }).replace(/\s+/g, ' ').trim() || undefined;
}

/** `<meta name|property="…" content="…">` pairs, names lower-cased, contents entity-decoded. */
function metaContents(html: string): Map<string, string> {
  const contents = new Map<string, string>();
  for (const [tag] of html.matchAll(/<meta\b[^>]*>/gi)) {
    const attributes = new Map<string, string>();
    for (const match of tag.matchAll(/([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))/g)) {
      const name = match[1];
      if (name) attributes.set(name.toLowerCase(), match[2] ?? match[3] ?? match[4] ?? '');
    }
    const key = (attributes.get('name') ?? attributes.get('property'))?.toLowerCase();
    const content = attributes.get('content');
    if (!key || !content || contents.has(key)) continue;
    const decoded = htmlToText(content, { wordwrap: false }).trim();
    if (decoded) contents.set(key, decoded);
  }
  return contents;
}

function parseDate(value: string | undefined): Date | undefined {
  if (!value) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
