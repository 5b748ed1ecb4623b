/**
 * An RFC 5322 message with a text/plain body and base64 attachments (multipart/mixed),
 * written by hand with CRLF line endings and a fixed boundary so the bytes are reproducible.
 */
export interface MimeAttachment {
  filename: string;
  contentType: string;
  content: Buffer;
}

export interface MimeMessageOptions {
  /** Header lines in order, already encoded (RFC 2047 for non-ASCII), without Content-Type. */
  headers: Array<[string, string]>;
  text: string;
  attachments: MimeAttachment[];
  boundary: string;
}

const CRLF = '\r\n';

export function buildMimeMessage(options: MimeMessageOptions): Buffer {
  const lines: string[] = options.headers.map(([name, value]) => `${name}: ${value}`);
  lines.push('MIME-Version: 1.0', `Content-Type: multipart/mixed; boundary="${options.boundary}"`, '');
  lines.push(`--${options.boundary}`, 'Content-Type: text/plain; charset=UTF-8', 'Content-Transfer-Encoding: 8bit', '');
  lines.push(...options.text.replace(/\r\n/g, '\n').replace(/\n+$/, '').split('\n'), '');
  for (const attachment of options.attachments) {
    lines.push(
      `--${options.boundary}`,
      `Content-Type: ${attachment.contentType}; name="${attachment.filename}"`,
      `Content-Disposition: attachment; filename="${attachment.filename}"`,
      'Content-Transfer-Encoding: base64',
      '',
      ...wrapBase64(attachment.content),
      '',
    );
  }
  lines.push(`--${options.boundary}--`, '');
  return Buffer.from(lines.join(CRLF), 'utf8');
}

function wrapBase64(content: Buffer): string[] {
  const encoded = content.toString('base64');
  const lines: string[] = [];
  for (let start = 0; start < encoded.length; start += 76) lines.push(encoded.slice(start, start + 76));
  return lines;
}
