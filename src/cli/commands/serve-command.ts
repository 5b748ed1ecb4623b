/** `persona serve`: the voice service on the configured engines, until SIGINT/SIGTERM. */
import type { Command } from 'commander';
import { startServer } from '../../server/server.js';
import { configFor } from '../command-context.js';

interface ServeFlags {
  host?: string;
  port?: string;
  log?: boolean;
}

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description(
      'Serve the persona: the /v1/talk voice WebSocket, /v1/interact, OpenAI-compatible /v1/chat/completions, /v1/audio/speech and /v1/audio/transcriptions, /healthz and /metrics. Embedded defaults need no GPU and no download (PocketSphinx, the recall engine or a GGUF when present, flite, embedded Chroma). API routes need a key: `persona keys create`.',
    )
    .option('--host <host>', 'address to listen on (default: $PERSONA_HOST or 127.0.0.1)')
    .option('--port <port>', 'port (default: $PERSONA_PORT or 8787; 0 picks a free one)')
    .option('--log', 'log every request')
    .action(async (flags: ServeFlags, command: Command) => {
      const config = configFor(command);
      if (flags.host) config.server.host = flags.host;
      if (flags.port !== undefined) {
        const port = Number(flags.port);
        if (!Number.isInteger(port) || port < 0 || port > 65535) command.error(`--port must be a port number, not "${flags.port}"`);
        config.server.port = port;
      }
      const server = await startServer(config, { logger: flags.log, handleSignals: true });
      process.stdout.write(`${servingBanner(server.url, config)}\n`);
    });
}

export function servingBanner(url: string, config: { persona: string }, extraLines: readonly string[] = []): string {
  return [
    `Persona is listening on ${url}`,
    `  voice:   ${url.replace(/^http/, 'ws')}/v1/talk  (send {"type":"session-start","persona":"${config.persona}"})`,
    `  widget:  ${url}/widget/persona-widget.js  (example host page: ${url}/embed-example.html)`,
    `  health:  ${url}/healthz`,
    ...extraLines,
    '  Stop with Ctrl-C.',
  ].join('\n');
}
