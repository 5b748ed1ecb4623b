/**
 * Writes a file under a temporary name in the same folder, then renames it into place: a
 * reader (the XTTS worker scanning clips, a player opening the output) never sees half a file,
 * and a crash or a full disk leaves the previous version.
 */
import { randomBytes } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

export async function writeFileAtomically(file: string, content: string | Uint8Array): Promise<void> {
  // A leading dot and a .tmp end keep the XTTS worker (which globs *.wav) from taking it for a clip.
  const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await writeFile(temporary, content);
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
