/**
 * `persona demo`: the sample persona in `examples/meera-krishnan` ingested and embedded, an
 * API key made, and the service started on the embedded defaults — one command from a fresh
 * clone to a persona you can talk to. With `--check` it runs one spoken round trip through
 * the running server instead of serving, and exits. It prints the web app's link with a
 * session token for the sample persona, and the API key (once).
 */
import path from 'node:path';
import type { Command } from 'commander';
import { embedPersona } from '../../rag/embed-persona.js';
import { startServer } from '../../server/server.js';
import { createSessionTokens } from '../../server/auth/session-token.js';
import { readOrCreateTokenSecret } from '../../server/auth/token-secret.js';
import { createApiKey } from '../../store/api-key-repository.js';
import { openStore } from '../../store/store.js';
import { configFor } from '../command-context.js';
import { createProgressBar } from '../progress-bar.js';
import { ingestSamplePersona, samplePersona } from '../sample-persona.js';
import { defaultWebTokenSeconds } from './keys-command.js';
import { servingBanner } from './serve-command.js';
import { checkServer } from './check-server.js';

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('Ingest and embed the sample persona (examples/meera-krishnan), create an API key, and serve it on the embedded defaults (no GPU, no download).')
    .option('--port <port>', 'port (default: $PERSONA_PORT or 8787; 0 picks a free one)')
    .option('--check', 'ask one spoken question through the running server, print what came back, and exit')
    .action(async (flags: { port?: string; check?: boolean }, command: Command) => {
      const config = configFor(command, { persona: samplePersona.id });
      if (flags.port !== undefined) config.server.port = Number(flags.port);
      let key: string;
      let webToken: string;
      {
        using store = openStore(config);
        const progressBar = createProgressBar();
        const summary = await ingestSamplePersona(store, config, (progress) =>
          progressBar.update(progress.filesDone / Math.max(1, progress.filesTotal), `ingesting ${path.basename(progress.file)}`),
        );
        const embedded = await embedPersona(config, store, samplePersona.id, {
          onProgress: (progress) => progressBar.update(progress.total ? progress.done / progress.total : 1, `embedding ${progress.done}/${progress.total} chunks`),
        });
        progressBar.done();
        process.stdout.write(
          `Sample persona "${samplePersona.id}": ${Object.values(summary.added).reduce((sum, count) => sum + count, 0)} new items, ${summary.chunks} new chunks; ${embedded.embedded} newly embedded with ${embedded.embedder}\n`,
        );
        const created = createApiKey(store.database, { name: 'demo' });
        key = created.key;
        // The web app gets a session token, never the API key; it dies with the demo key.
        webToken = createSessionTokens({ secret: readOrCreateTokenSecret(config.home) }).mint({ keyId: created.id, persona: samplePersona.id, ttlSeconds: defaultWebTokenSeconds }).token;
      }
      const server = await startServer(config, { handleSignals: !flags.check });
      if (flags.check) {
        try {
          process.stdout.write(await checkServer(server.url, key, samplePersona.id));
        } finally {
          await server.close();
        }
        return;
      }
      const extraLines = [`  web app: ${server.url}/#token=${encodeURIComponent(webToken)}`, `  API key (shown once; revoke with \`persona keys revoke\`): ${key}`];
      process.stdout.write(`${servingBanner(server.url, config, extraLines)}\n`);
    });
}
