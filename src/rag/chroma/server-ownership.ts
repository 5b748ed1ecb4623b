/**
 * One embedded Chroma server per data folder, shared by the persona processes that run
 * at the same time (a background `persona embed` and a `persona search`): the first
 * process claims the folder in an owner file and starts the server; the others read its
 * URL from that file and connect to it. A claim left by a dead process is taken over.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { VectorStoreError } from './vector-store-error.js';
import { isProcessAlive } from '../../process-alive.js';

export type ServerClaim =
  | { owned: true; publish(url: string): void; release(): void }
  | { owned: false; url: string; ownerPid: number };

interface OwnerRecord {
  pid: number;
  url?: string;
}

export async function claimServer(dataFolder: string, options: { waitMs?: number; signal?: AbortSignal } = {}): Promise<ServerClaim> {
  const ownerFile = `${dataFolder}.owner.json`;
  const deadline = Date.now() + (options.waitMs ?? 30_000);
  for (;;) {
    options.signal?.throwIfAborted();
    try {
      writeFileSync(ownerFile, JSON.stringify({ pid: process.pid } satisfies OwnerRecord), { flag: 'wx' });
      return {
        owned: true,
        publish: (url) => writeFileSync(ownerFile, JSON.stringify({ pid: process.pid, url } satisfies OwnerRecord)),
        release: () => {
          if (readOwner(ownerFile)?.pid === process.pid) rmSync(ownerFile, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = readOwner(ownerFile);
    if (!owner || !isProcessAlive(owner.pid)) {
      rmSync(ownerFile, { force: true });
      continue;
    }
    if (owner.url) return { owned: false, url: owner.url, ownerPid: owner.pid };
    // The owner is still starting its server.
    if (Date.now() > deadline) {
      throw new VectorStoreError('server-start', `Process ${owner.pid} claimed the Chroma folder ${dataFolder} but its server did not come up; stop it or remove ${ownerFile}`);
    }
    await sleep(100);
  }
}

function readOwner(ownerFile: string): OwnerRecord | undefined {
  try {
    return JSON.parse(readFileSync(ownerFile, 'utf8')) as OwnerRecord;
  } catch {
    return undefined;
  }
}
