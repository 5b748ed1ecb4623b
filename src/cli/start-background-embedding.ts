/**
 * After an ingest, embedding goes on in a detached `persona embed` process, so the
 * command returns at once and search answers from BM25 until the vectors are in.
 */
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const personaCommand = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/persona.js');

export function startBackgroundEmbedding(home: string, persona: string): { pid: number | undefined; log: string } {
  const { log, descriptor: output } = openPrivateLog(home, `embed-${persona}.log`);
  const child = spawn(process.execPath, [personaCommand, '--home', home, 'embed', '--persona', persona], {
    detached: true,
    stdio: ['ignore', output, output],
  });
  child.unref();
  return { pid: child.pid, log };
}

/** A log under `home/logs` (0700), opened for appending as 0600: logs name sources and errors quote corpus text. */
export function openPrivateLog(home: string, name: string): { log: string; descriptor: number } {
  const logFolder = path.join(home, 'logs');
  mkdirSync(logFolder, { recursive: true, mode: 0o700 });
  const log = path.join(logFolder, name);
  const descriptor = openSync(log, 'a', 0o600);
  chmodSync(log, 0o600);
  return { log, descriptor };
}
