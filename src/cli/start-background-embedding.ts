/**
 * After an ingest, embedding goes on in a detached `persona embed` process, so the
 * command returns at once and search answers from BM25 until the vectors are in.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const personaCommand = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/persona.js');

export function startBackgroundEmbedding(home: string, persona: string): { pid: number | undefined; log: string } {
  const logFolder = path.join(home, 'logs');
  mkdirSync(logFolder, { recursive: true });
  const log = path.join(logFolder, `embed-${persona}.log`);
  const output = openSync(log, 'a');
  const child = spawn(process.execPath, [personaCommand, '--home', home, 'embed', '--persona', persona], {
    detached: true,
    stdio: ['ignore', output, output],
  });
  child.unref();
  return { pid: child.pid, log };
}
