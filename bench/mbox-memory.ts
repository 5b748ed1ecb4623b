/**
 * Peak memory while ingesting a 1 GB mbox (target: flat, under 300 MB). The mbox is
 * generated once into the temp folder and reused; the ingest runs in a child process
 * so that generating the file does not count. Run: node --import tsx bench/mbox-memory.ts [megabytes]
 */
import { execFileSync } from 'node:child_process';
import { createWriteStream, existsSync, statSync } from 'node:fs';
import { once } from 'node:events';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { mboxEntry, syntheticEmail } from './synthetic-mail.js';

const megabytes = Number(process.argv[2] ?? 1024);
const target = megabytes * 1024 * 1024;
const mbox = path.join(os.tmpdir(), `persona-bench-${megabytes}mb.mbox`);

async function generate(): Promise<void> {
  const stream = createWriteStream(mbox);
  let written = 0;
  for (let index = 0; written < target; index += 1) {
    const entry = mboxEntry(syntheticEmail(index));
    written += Buffer.byteLength(entry);
    if (!stream.write(entry)) await once(stream, 'drain');
  }
  stream.end();
  await once(stream, 'finish');
}

if (!existsSync(mbox) || statSync(mbox).size < target) {
  process.stdout.write(`generating ${megabytes} MB mbox at ${mbox} ...\n`);
  await generate();
}
const child = path.join(path.dirname(fileURLToPath(import.meta.url)), 'mbox-memory-child.ts');
const output = execFileSync(process.execPath, ['--import', 'tsx', child, mbox], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
process.stdout.write(output);
