/**
 * The embedded Chroma server must never outlive the persona process that started it,
 * whether that process exits, crashes or is killed with SIGKILL.
 */
import type { ChildProcess } from 'node:child_process';

/**
 * Runs in the child before the CLI. The CLI's native call blocks the child's main thread
 * for good, so the guard that ends the child when this process dies lives on a worker
 * thread: it reads the stdin pipe this process holds, and end-of-file means this process
 * is gone (crash, SIGKILL, exit) — the one case no `exit` handler here can cover.
 */
export const CHILD_BOOTSTRAP = `
import { Worker } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
const guard = new Worker(\`import('node:fs').then(({ read }) => {
  const buffer = Buffer.alloc(64);
  const next = () => read(0, buffer, 0, buffer.length, null, (error, bytes) => {
    if (error || bytes === 0) process.kill(process.pid, 'SIGKILL');
    else next();
  });
  next();
});\`, { eval: true });
await new Promise((resolve, reject) => { guard.once('online', resolve); guard.once('error', reject); });
guard.unref();
await import(pathToFileURL(process.argv[1]).href);
`;

/** Children alive right now, killed if this process exits while they run. */
const liveChildren = new Set<ChildProcess>();
let exitHookInstalled = false;

export function track(child: ChildProcess): void {
  liveChildren.add(child);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // 'exit' handlers must be synchronous: SIGKILL is the one signal that needs no waiting.
  // Chroma's writes are durable before it answers, so nothing acknowledged is lost.
  process.on('exit', () => {
    for (const live of liveChildren) live.kill('SIGKILL');
  });
}

export function untrack(child: ChildProcess): void {
  liveChildren.delete(child);
}
