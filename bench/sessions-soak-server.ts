/**
 * The measured side of bench/sessions-soak.ts: the Persona server (sample persona, embedded
 * engines) in its own process, so its RSS and event-loop lag are the server's alone. It
 * answers the parent over IPC: `{port, key}` when listening, then `rss` (after a GC, so
 * what is still held rather than what is waiting to be collected), `lag-start`/`lag-stop`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { loadConfig } from '../src/config.js';
import { ingestSamplePersona } from '../src/cli/sample-persona.js';
import { buildApp } from '../src/server/app.js';
import { createApiKey } from '../src/store/api-key-repository.js';
import { openStore } from '../src/store/store.js';
import { openPersonaRuntime } from '../src/voice/persona-runtime.js';

type Request = { type: 'rss' } | { type: 'lag-start' } | { type: 'lag-stop' } | { type: 'exit' };

const scratch = mkdtempSync(path.join(os.tmpdir(), 'persona-sessions-soak-'));
// The server's default audio lead (1 s ahead of real time), as deployed: unpaced audio would make all
// 20 answers synthesize every sentence at once, which no listener causes.
const config = loadConfig({ environment: { ...process.env, PERSONA_HOME: scratch, PERSONA_PORT: '0' }, configFile: false });
const store = openStore(config);
await ingestSamplePersona(store, config);
const runtime = await openPersonaRuntime(config, { store });
const app = await buildApp({ runtime });
await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
const port = typeof address === 'object' && address ? address.port : 0;
const keys = [createApiKey(store.database, { name: 'soak' }).key, createApiKey(store.database, { name: 'soak-2' }).key];
const lag = monitorEventLoopDelay({ resolution: 10 });

const reply = (message: unknown): void => {
  process.send?.(message);
};
process.on('message', (request: Request) => {
  switch (request.type) {
    case 'rss':
      globalThis.gc?.();
      reply({ type: 'rss', rss: process.memoryUsage.rss() });
      return;
    case 'lag-start':
      lag.reset();
      lag.enable();
      reply({ type: 'lag-started' });
      return;
    case 'lag-stop':
      lag.disable();
      reply({ type: 'lag', p50: lag.percentile(50) / 1e6, p99: lag.percentile(99) / 1e6, max: lag.max / 1e6 });
      return;
    case 'exit':
      void (async () => {
        await app.close();
        await runtime.close();
        store.close();
        rmSync(scratch, { recursive: true, force: true });
        process.exit(0);
      })();
      return;
  }
});
reply({ type: 'ready', port, keys, limits: { perKey: config.server.maxSessionsPerKey, total: config.server.maxSessions } });
