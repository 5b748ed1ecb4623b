/**
 * One `persona models pull` per model at a time: two processes appending to the same
 * `.part` file would interleave their bytes. The lock file holds the owner's process id,
 * so a lock left by a killed process is taken over instead of blocking forever.
 */
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { isProcessAlive } from '../process-alive.js';
import { ModelError } from './model-error.js';

const lockFileName = '.pull.lock';
/** Locks this process holds: the pid in the file cannot tell two pulls of one process apart. */
const heldHere = new Set<string>();

export function acquirePullLock(modelFolder: string, model: string): () => void {
  const file = path.join(modelFolder, lockFileName);
  if (heldHere.has(file)) throw busy(model, process.pid);
  mkdirSync(modelFolder, { recursive: true });
  for (let attempt = 0; ; attempt++) {
    try {
      const descriptor = openSync(file, 'wx');
      writeSync(descriptor, String(process.pid));
      closeSync(descriptor);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new ModelError('write-failed', `Cannot create ${file}: ${(error as Error).message}`, { cause: error, model });
      }
      const owner = Number.parseInt(readFileSync(file, 'utf8'), 10);
      // A second EEXIST means another process took the stale lock at the same moment.
      if (attempt > 0 || (Number.isInteger(owner) && owner !== process.pid && isProcessAlive(owner))) throw busy(model, owner);
      rmSync(file, { force: true });
    }
  }
  heldHere.add(file);
  return () => {
    heldHere.delete(file);
    rmSync(file, { force: true });
  };
}

function busy(model: string, pid: number): ModelError {
  return new ModelError('busy', `${model} is being downloaded by another \`persona models pull\` (process ${Number.isInteger(pid) ? pid : '?'}); wait for it to finish`, { model });
}
