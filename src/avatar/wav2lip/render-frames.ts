/**
 * The framing of `POST /render` answers from the wav2lip worker (workers/wav2lip/README.md):
 * each frame is a 4-byte big-endian payload length, a 1-byte type, then the payload.
 * Types: 1 a video segment (fragmented MP4 bytes), 2 the end (JSON summary), 3 an error
 * (JSON `{"error": …}`) raised after the stream began. A stream that stops without an end or
 * error frame means the worker died: the reader reports that, it never waits forever.
 */
export const frameTypes = { segment: 1, end: 2, error: 3 } as const;

export type RenderFrame =
  | { type: 'segment'; data: Uint8Array }
  | { type: 'end'; summary: unknown }
  | { type: 'error'; message: string };

/** Largest frame accepted: a bigger length is a corrupted stream, not a segment. */
const maxFrameBytes = 64 * 1024 * 1024;

export class FrameStreamError extends Error {}

/** Frames from the body's byte chunks; throws FrameStreamError on a bad frame or a stream cut inside one. */
export async function* readRenderFrames(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<RenderFrame> {
  let buffer: Buffer = Buffer.alloc(0);
  for await (const chunk of chunks) {
    buffer = buffer.length === 0 ? Buffer.from(chunk) : Buffer.concat([buffer, chunk]);
    for (;;) {
      if (buffer.length < 5) break;
      const length = buffer.readUInt32BE(0);
      if (length > maxFrameBytes) throw new FrameStreamError(`a frame of ${length} bytes is over the ${maxFrameBytes}-byte limit`);
      if (buffer.length < 5 + length) break;
      const type = buffer[4];
      const payload = buffer.subarray(5, 5 + length);
      buffer = buffer.subarray(5 + length);
      if (type === frameTypes.segment) yield { type: 'segment', data: Uint8Array.from(payload) };
      else if (type === frameTypes.end) yield { type: 'end', summary: parseJson(payload) };
      else if (type === frameTypes.error) {
        const body = parseJson(payload) as { error?: unknown } | undefined;
        yield { type: 'error', message: typeof body?.error === 'string' ? body.error : payload.toString('utf8') };
      } else throw new FrameStreamError(`unknown frame type ${type}`);
    }
  }
  if (buffer.length > 0) throw new FrameStreamError(`the stream ended inside a frame (${buffer.length} bytes left over)`);
}

/** One frame's bytes: what the worker writes (and the fake worker in tests). */
export function encodeRenderFrame(type: keyof typeof frameTypes, payload: Uint8Array | string): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : Buffer.from(payload);
  const head = Buffer.alloc(5);
  head.writeUInt32BE(body.length, 0);
  head[4] = frameTypes[type];
  return Buffer.concat([head, body]);
}

function parseJson(bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
}
