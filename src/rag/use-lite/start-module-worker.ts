/**
 * Starts a worker thread running a TypeScript module. Node 20 runs a `.ts` worker file
 * through neither `--import tsx` nor tsx's `register()` of the parent (ERR_UNKNOWN_FILE_EXTENSION),
 * so a one-line bootstrap registers tsx inside the worker first, then imports the module.
 */
import { Worker } from 'node:worker_threads';

export function startModuleWorker(moduleUrl: URL): Worker {
  if (!moduleUrl.pathname.endsWith('.ts')) return new Worker(moduleUrl);
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const bootstrap =
    `import(${JSON.stringify(tsxApi)})` +
    `.then((tsx) => { tsx.register(); return import(${JSON.stringify(moduleUrl.href)}); })`;
  return new Worker(bootstrap, { eval: true });
}
