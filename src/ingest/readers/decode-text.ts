/**
 * Turns the bytes of a text-like file into a string without losing a character: people's
 * archives hold UTF-8 (with and without BOM), UTF-16 from Windows tools, and old
 * windows-1252 files, and mis-decoding any of them would put mojibake in the persona's mouth.
 */
import iconv from 'iconv-lite';
import { InputError } from '../../errors.js';

export interface DecodedText {
  /** The text, without BOM, with every line ending turned into "\n". */
  text: string;
  /** The encoding it was decoded from, as iconv-lite names it. */
  encoding: string;
}

export interface DecodeOptions {
  /** Honour a `<meta charset>` (or http-equiv Content-Type) near the top of the file. */
  html?: boolean;
}

/** How much of the file the binary and UTF-16 sniffers look at. */
const SNIFF_BYTES = 8192;
/** More C0 control characters than this share of the text means binary data. */
const MAX_CONTROL_SHARE = 0.01;
/** The HTML standard looks for `<meta charset>` in the first 1024 bytes; some generators put it a little later. */
const META_SCAN_BYTES = 2048;

export function decodeText(bytes: Buffer, file: string, options: DecodeOptions = {}): DecodedText {
  if (bytes.length === 0) throw new InputError('input-unreadable', file, 'empty file');
  const encoding = detectEncoding(bytes, options);
  if (encoding === 'binary') throw new InputError('input-unreadable', file, 'binary data, not text');
  const text = decodeWith(bytes, encoding);
  if (looksBinary(text)) throw new InputError('input-unreadable', file, 'binary data, not text');
  return { text: text.replace(/\r\n?/g, '\n'), encoding };
}

function detectEncoding(bytes: Buffer, options: DecodeOptions): string {
  const fromBom = encodingFromBom(bytes);
  if (fromBom) return fromBom;
  const sixteenBit = sniffUtf16WithoutBom(bytes);
  if (sixteenBit) return sixteenBit;
  // UTF-16 has been ruled out, so a NUL byte can only mean a binary file.
  if (bytes.subarray(0, SNIFF_BYTES).includes(0)) return 'binary';
  if (options.html) {
    const declared = declaredHtmlCharset(bytes);
    if (declared) return declared;
  }
  return isValidUtf8(bytes) ? 'utf-8' : 'windows-1252';
}

function encodingFromBom(bytes: Buffer): string | undefined {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return 'utf-8';
  if (bytes[0] === 0xff && bytes[1] === 0xfe) {
    return bytes[2] === 0 && bytes[3] === 0 && bytes.length >= 4 ? 'utf-32le' : 'utf-16le';
  }
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be';
  if (bytes[0] === 0 && bytes[1] === 0 && bytes[2] === 0xfe && bytes[3] === 0xff) return 'utf-32be';
  return undefined;
}

/**
 * Text saved as "Unicode" by some Windows tools has no BOM; mostly-Latin text in UTF-16
 * then has a NUL in nearly every other byte, and only there.
 */
function sniffUtf16WithoutBom(bytes: Buffer): string | undefined {
  const sample = bytes.subarray(0, SNIFF_BYTES - (SNIFF_BYTES % 2));
  const pairs = Math.floor(sample.length / 2);
  if (pairs < 2) return undefined;
  let evenZeros = 0;
  let oddZeros = 0;
  for (let index = 0; index + 1 < sample.length; index += 2) {
    if (sample[index] === 0) evenZeros += 1;
    if (sample[index + 1] === 0) oddZeros += 1;
  }
  if (oddZeros / pairs > 0.3 && evenZeros / pairs < 0.05) return 'utf-16le';
  if (evenZeros / pairs > 0.3 && oddZeros / pairs < 0.05) return 'utf-16be';
  return undefined;
}

function declaredHtmlCharset(bytes: Buffer): string | undefined {
  const head = bytes.subarray(0, META_SCAN_BYTES).toString('latin1');
  const match =
    /<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)/i.exec(head) ?? /<\?xml[^>]+encoding\s*=\s*["']([\w.:-]+)/i.exec(head);
  const label = match?.[1]?.toLowerCase();
  if (!label) return undefined;
  // Per the HTML standard: these labels mean windows-1252, and a UTF-16 label in a file that
  // reached here (no BOM, ASCII-compatible bytes) is a lie that means UTF-8.
  if (['iso-8859-1', 'iso8859-1', 'latin1', 'l1', 'us-ascii', 'ascii', 'cp1252'].includes(label)) return 'windows-1252';
  if (label.startsWith('utf-16') || label === 'unicode') return 'utf-8';
  if (label === 'utf8') return 'utf-8';
  return iconv.encodingExists(label) ? label : undefined;
}

function isValidUtf8(bytes: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

function decodeWith(bytes: Buffer, encoding: string): string {
  if (encoding === 'utf-8') return new TextDecoder('utf-8').decode(bytes);
  return iconv.decode(bytes, encoding, { stripBOM: true });
}

function looksBinary(text: string): boolean {
  const sample = text.length > SNIFF_BYTES ? text.slice(0, SNIFF_BYTES) : text;
  let controls = 0;
  for (let index = 0; index < sample.length; index += 1) {
    const code = sample.charCodeAt(index);
    if (code === 0) return true;
    // Tab, line feed, vertical tab, form feed, carriage return and escape occur in real text.
    if ((code < 0x20 && (code < 0x09 || code > 0x0d) && code !== 0x1b) || code === 0x7f) controls += 1;
  }
  return controls > sample.length * MAX_CONTROL_SHARE;
}
