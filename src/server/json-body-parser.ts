/**
 * The app's `application/json` parser. Two things fastify's default does not do for us:
 * - bytes that are not UTF-8 are refused with a 400 that says so (the default decodes them to
 *   U+FFFD and the damaged text would be stored and answered);
 * - a valid body with a `__proto__` or `constructor.prototype` key is accepted with those keys
 *   dropped (the default refuses it as "not valid JSON", which it is), so nothing can reach
 *   `Object.prototype` through a body.
 */
import type { FastifyInstance } from 'fastify';
import { HttpError } from './request-persona.js';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

export function installJsonBodyParser(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('remove', 'remove');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    const bytes = body as Buffer;
    let text: string;
    try {
      text = strictUtf8.decode(bytes);
    } catch {
      done(new HttpError(400, 'invalid-request', `the JSON body is not valid UTF-8 (first bad byte at offset ${firstInvalidUtf8Offset(bytes)}); JSON must be sent as UTF-8`), undefined);
      return;
    }
    parseJson(request, text, done);
  });
}

/** Where the first byte that does not start a well-formed UTF-8 sequence is, for the message (only run on a body already refused). */
function firstInvalidUtf8Offset(bytes: Uint8Array): number {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let offset = 0;
  while (offset < bytes.length) {
    const lead = bytes[offset]!;
    const length = lead < 0x80 ? 1 : lead >= 0xc2 && lead < 0xe0 ? 2 : lead >= 0xe0 && lead < 0xf0 ? 3 : lead >= 0xf0 && lead < 0xf5 ? 4 : 0;
    if (length === 0 || offset + length > bytes.length) return offset;
    try {
      decoder.decode(bytes.subarray(offset, offset + length));
    } catch {
      return offset;
    }
    offset += length;
  }
  return offset;
}
