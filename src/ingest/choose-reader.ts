/**
 * Which reader a file needs: by extension first, then by a look inside where the
 * extension is ambiguous (.json, .csv, files without an extension).
 */
import { open } from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '../errors.js';
import { createChatGptReader, looksLikeChatGptExport } from './readers/chatgpt-reader.js';
import { createDocxReader } from './readers/docx-reader.js';
import { createEmlReader } from './readers/eml-reader.js';
import { createHtmlReader } from './readers/html-reader.js';
import { createInterviewReader, isInterviewFile, looksLikeInterviewJson } from './readers/interview-reader.js';
import { isMaildirMessage } from './readers/maildir.js';
import { createMboxReader } from './readers/mbox-reader.js';
import { createMsgReader } from './readers/msg-reader.js';
import { createPdfReader } from './readers/pdf-reader.js';
import { decodeText } from './readers/decode-text.js';
import { readFileWithinLimit } from './readers/read-file-within-limit.js';
import { createTextReader } from './readers/text-reader.js';
import type { ReadLimits, SourceReader } from './source-record.js';

export type ReaderChoice = { reader: SourceReader } | { skip: string };

const readers = {
  eml: createEmlReader('eml'),
  maildir: createEmlReader('maildir'),
  mbox: createMboxReader(),
  msg: createMsgReader(),
  pdf: createPdfReader(),
  docx: createDocxReader(),
  text: createTextReader(),
  html: createHtmlReader(),
  chatgpt: createChatGptReader(),
  interview: createInterviewReader(),
};

const byExtension: Record<string, SourceReader> = {
  '.eml': readers.eml,
  '.mbox': readers.mbox,
  '.mbx': readers.mbox,
  '.msg': readers.msg,
  '.pdf': readers.pdf,
  '.docx': readers.docx,
  '.txt': readers.text,
  '.text': readers.text,
  '.html': readers.html,
  '.htm': readers.html,
};

const knownButUnsupported: Record<string, string> = {
  '.doc': 'legacy Word .doc is not supported; save it as .docx',
  '.pst': 'Outlook .pst archives are not supported; export the folder as .mbox or .msg files',
  '.rtf': 'RTF is not supported; save it as .docx or .txt',
  '.pages': 'Apple Pages files are not supported; export as .docx or .pdf',
  '.odt': 'OpenDocument text is not supported; save it as .docx',
  '.xlsx': 'spreadsheets are not a supported source',
  '.zip': 'archives are not unpacked; extract them first',
};

export async function chooseReader(file: string, limits: ReadLimits): Promise<ReaderChoice> {
  const name = path.basename(file).toLowerCase();
  const extension = path.extname(name);
  if (isInterviewFile(file)) return { reader: readers.interview };
  const direct = byExtension[extension];
  if (direct) return { reader: direct };
  if (extension === '.md' || extension === '.markdown') return { reader: readers.text };
  if (extension === '.json') return chooseJsonReader(file, limits);
  if (extension === '.csv') return { skip: 'CSV files are read only as interviews (name them *.interview.csv)' };
  const unsupported = knownButUnsupported[extension];
  if (unsupported) return { skip: unsupported };
  if (isMaildirMessage(file)) return { reader: readers.maildir };
  if (!extension && (await startsWith(file, 'From '))) return { reader: readers.mbox };
  return { skip: extension ? `unsupported file type ${extension}` : 'unsupported file (no extension, not an mbox)' };
}

async function chooseJsonReader(file: string, limits: ReadLimits): Promise<ReaderChoice> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(decodeText(await readFileWithinLimit(file, limits), file).text);
  } catch (error) {
    if (error instanceof InputError) return { skip: error.reason };
    return { skip: `not valid JSON: ${(error as Error).message}` };
  }
  if (looksLikeChatGptExport(parsed)) return { reader: readers.chatgpt };
  if (looksLikeInterviewJson(parsed)) return { reader: readers.interview };
  return { skip: 'JSON that is neither a ChatGPT export nor interview answers' };
}

async function startsWith(file: string, prefix: string): Promise<boolean> {
  const handle = await open(file, 'r').catch(() => undefined);
  if (!handle) return false;
  try {
    const buffer = Buffer.alloc(prefix.length);
    const { bytesRead } = await handle.read(buffer, 0, prefix.length, 0);
    return bytesRead === prefix.length && buffer.toString('latin1') === prefix;
  } finally {
    await handle.close();
  }
}
