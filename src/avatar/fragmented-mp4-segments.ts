/**
 * Cuts a fragmented MP4 byte stream (as ffmpeg writes it to a pipe) into segments that Media
 * Source Extensions can append one at a time: the first segment is everything up to the end
 * of the first fragment (ftyp + moov + moof + mdat), each later one is the next moof + mdat.
 * A segment goes out as soon as its mdat is complete, not when the next fragment begins, so a
 * live stream is not held back a whole fragment. Top-level boxes between fragments (styp,
 * sidx, prft) stay with the fragment they precede; `mfra`, the random-access index ffmpeg appends at the end, is
 * dropped: a SourceBuffer has no use for it.
 */
import { PersonaError } from '../errors.js';

/** Largest single box accepted: a bigger one is a broken stream, not a video fragment. */
const maxBoxBytes = 256 * 1024 * 1024;

export async function* splitFragmentedMp4(bytes: AsyncIterable<Uint8Array>, source = 'the video stream'): AsyncGenerator<Uint8Array> {
  let buffer: Uint8Array = new Uint8Array(0);
  let pending: Uint8Array[] = [];
  let inFragment = false;
  let sawInit = false;

  const flush = (): Uint8Array | undefined => {
    if (pending.length === 0) return undefined;
    const joined = Buffer.concat(pending);
    pending = [];
    return joined;
  };

  for await (const chunk of bytes) {
    buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
    for (;;) {
      const box = nextBox(buffer, source);
      if (!box) break;
      const whole = buffer.subarray(0, box.size);
      buffer = buffer.subarray(box.size);
      if (box.type === 'mfra') continue;
      if (box.type === 'ftyp' || box.type === 'moov') sawInit = true;
      if (box.type === 'moof') {
        if (!sawInit) throw new PersonaError('service-unavailable', `${source}: a fragment came before the init segment (ftyp + moov)`);
        inFragment = true;
      }
      pending.push(Buffer.from(whole));
      // The mdat closes a fragment: the segment is whole and can be appended now.
      if (box.type === 'mdat' && inFragment) {
        inFragment = false;
        const segment = flush();
        if (segment) yield segment;
      }
    }
  }
  if (buffer.length > 0) throw new PersonaError('service-unavailable', `${source}: ended inside a box (${buffer.length} bytes left over)`, { retryable: true });
  const last = flush();
  if (last) yield last;
}

/** The box at the start of `buffer` once all its bytes are there. */
function nextBox(buffer: Uint8Array, source: string): { type: string; size: number } | undefined {
  if (buffer.length < 8) return undefined;
  const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  let size = view.getUint32(0);
  const type = String.fromCharCode(buffer[4] ?? 0, buffer[5] ?? 0, buffer[6] ?? 0, buffer[7] ?? 0);
  if (size === 1) {
    if (buffer.length < 16) return undefined;
    size = Number(view.getBigUint64(8));
  }
  if (size < 8 || size > maxBoxBytes) throw new PersonaError('service-unavailable', `${source}: not a fragmented MP4 (box "${type}" of ${size} bytes)`);
  if (buffer.length < size) return undefined;
  return { type, size };
}

/** The top-level box types of an MP4, in order: for tests and diagnostics. */
export function topLevelBoxes(data: Uint8Array): string[] {
  const types: string[] = [];
  let offset = 0;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  while (offset + 8 <= data.length) {
    let size = view.getUint32(offset);
    types.push(String.fromCharCode(...data.subarray(offset + 4, offset + 8)));
    if (size === 1) size = Number(view.getBigUint64(offset + 8));
    if (size < 8) break;
    offset += size;
  }
  return types;
}
