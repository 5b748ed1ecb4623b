/**
 * A folder for files that hold text derived from the corpus but that another program must
 * read by path (pocketsphinx's language model and dictionary, flite's input and WAV): one
 * per process and purpose, 0700, on tmpfs (`/dev/shm`) where there is one so nothing
 * reaches a disk, removed when the process exits. A process that was killed cannot clean
 * up, so the first use in each process also removes the folders of dead processes.
 */
import { randomBytes } from 'node:crypto';
import { accessSync, chmodSync, constants, mkdirSync, readdirSync, rmSync, statfsSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isProcessAlive } from './process-alive.js';

const folders = new Map<string, string>();
let exitHookInstalled = false;

/** A biased speech model is ~7 MB; Docker's default /dev/shm is 64 MB, too little to count on. */
const minimumTmpfsBytes = 256 * 1024 ** 2;

/** Where the folders go: tmpfs when it is there, writable and roomy, else the OS temp folder. */
export function privateTemporaryRoot(): string {
  try {
    accessSync('/dev/shm', constants.W_OK | constants.X_OK);
    const space = statfsSync('/dev/shm');
    if (statSync('/dev/shm').isDirectory() && space.bavail * space.bsize >= minimumTmpfsBytes) return '/dev/shm';
  } catch {
    // No tmpfs here (macOS, some containers): the OS temp folder, still 0700.
  }
  return os.tmpdir();
}

/** The folders of every process of this user for one purpose, alive or not: `persona-PURPOSE-PID-RANDOM`. */
export function privateTemporaryFolders(purpose: string, root = privateTemporaryRoot()): { folder: string; pid: number }[] {
  const pattern = new RegExp(`^persona-${purpose}-(\\d+)-[0-9a-f]+$`);
  let names: string[];
  try {
    names = readdirSync(root);
  } catch {
    return [];
  }
  const found: { folder: string; pid: number }[] = [];
  for (const name of names) {
    const match = pattern.exec(name);
    if (!match) continue;
    const folder = path.join(root, name);
    try {
      if (statSync(folder).uid !== process.getuid?.()) continue;
    } catch {
      continue;
    }
    found.push({ folder, pid: Number(match[1]) });
  }
  return found;
}

/**
 * This process's folder for `purpose` (letters and "-"), made on first use. `root` puts it
 * elsewhere than tmpfs: on disk (`os.tmpdir()`) for files too big to hold in memory.
 */
export function privateTemporaryFolder(purpose: string, root = privateTemporaryRoot()): string {
  if (!/^[a-z][a-z-]*$/.test(purpose)) throw new TypeError(`privateTemporaryFolder: purpose "${purpose}" must be lowercase letters and "-"`);
  const existing = folders.get(purpose);
  if (existing) return existing;
  for (const stale of privateTemporaryFolders(purpose, root)) {
    if (stale.pid !== process.pid && !isProcessAlive(stale.pid)) rmSync(stale.folder, { recursive: true, force: true });
  }
  const folder = path.join(root, `persona-${purpose}-${process.pid}-${randomBytes(6).toString('hex')}`);
  mkdirSync(folder, { mode: 0o700 });
  // mkdir's mode is filtered by the umask; 0700 is what we need whatever the umask.
  chmodSync(folder, 0o700);
  folders.set(purpose, folder);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', removePrivateTemporaryFolders);
  }
  return folder;
}

/** Removes this process's folders now (also run at exit). */
export function removePrivateTemporaryFolders(): void {
  for (const folder of folders.values()) rmSync(folder, { recursive: true, force: true });
  folders.clear();
}
