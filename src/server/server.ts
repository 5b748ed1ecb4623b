/**
 * Runs the service: opens the runtime, builds the app and listens. SIGINT/SIGTERM close it
 * cleanly: sessions end, models and the embedded Chroma server are released.
 */
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.js';
import { openPersonaRuntime } from '../voice/persona-runtime.js';
import { buildApp } from './app.js';
import { withoutCredentials } from './auth/redact-credentials.js';

export interface RunningServer {
  app: FastifyInstance;
  /** The base URL, e.g. `http://127.0.0.1:8787`. */
  url: string;
  close(): Promise<void>;
}

export async function startServer(config: Config, options: { logger?: boolean; handleSignals?: boolean } = {}): Promise<RunningServer> {
  const runtime = await openPersonaRuntime(config);
  let app: FastifyInstance;
  try {
    const logger = options.logger
      ? // Browsers put session tokens in the WebSocket URL's query: never write them to the log.
        { level: 'info', serializers: { req: (request: { method: string; url: string }) => ({ method: request.method, url: withoutCredentials(request.url) }) } }
      : false;
    app = await buildApp({ runtime, closeRuntime: true, logger });
  } catch (error) {
    await runtime.close();
    throw error;
  }
  await app.listen({ host: config.server.host, port: config.server.port }).catch(async (error: unknown) => {
    await app.close();
    throw error;
  });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.server.port;
  const host = config.server.host.includes(':') ? `[${config.server.host}]` : config.server.host;
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => (closing ??= app.close());
  if (options.handleSignals) {
    const stop = (): void => {
      void close().then(() => process.exit(0), () => process.exit(1));
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  }
  return { app, url: `http://${host}:${port}`, close };
}
