/** The real USE lite worker, which dies when asked to embed "crash now": a worker crash on demand. */
import { parentPort } from 'node:worker_threads';
import type { WorkerRequest } from '../../../src/rag/use-lite/use-lite-messages.js';

// Registered before the real worker's listener, so it runs first.
parentPort!.on('message', (request: WorkerRequest) => {
  if (request.type === 'embed' && request.texts.includes('crash now')) process.exit(3);
});
await import('../../../src/rag/use-lite/use-lite-worker.js');
