/**
 * A portrait must be a PNG or JPEG file that exists: checked by its first bytes, so the
 * error names the file instead of surfacing as an ffmpeg (or GPU worker) failure later.
 */
import { open } from 'node:fs/promises';
import { InputError } from '../errors.js';

export type PortraitType = 'image/png' | 'image/jpeg';

export async function checkPortrait(portrait: string): Promise<PortraitType> {
  let head: Buffer;
  try {
    const handle = await open(portrait, 'r');
    try {
      head = Buffer.alloc(8);
      const { bytesRead } = await handle.read(head, 0, 8, 0);
      head = head.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  } catch (cause) {
    throw new InputError('input-unreadable', portrait, 'the portrait cannot be read', { cause });
  }
  if (head.length >= 8 && head.equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'image/jpeg';
  throw new InputError('input-unsupported', portrait, 'the portrait is neither a PNG nor a JPEG image');
}
