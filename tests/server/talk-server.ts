/**
 * A running Persona server for end-to-end tests: the sample persona ingested into a fresh
 * store, the real engines (Silero VAD, PocketSphinx, the recall engine, flite, embedded
 * Chroma), an API key, and the app listening on an ephemeral port. Audio is not paced
 * unless the environment asks (PERSONA_AUDIO_LEAD_MS): a recalled answer can be a minute long.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../../src/config.js';
import { buildApp } from '../../src/server/app.js';
import { createApiKey } from '../../src/store/api-key-repository.js';
import { openStore, type Store } from '../../src/store/store.js';
import { openPersonaRuntime, type PersonaRuntime, type RuntimeOverrides } from '../../src/voice/persona-runtime.js';
import { ingestSamplePersona } from '../helpers/sample-persona.js';
import { testConfig } from '../helpers/test-config.js';

export interface TalkServer {
  config: Config;
  store: Store;
  runtime: PersonaRuntime;
  app: FastifyInstance;
  /** `ws://127.0.0.1:PORT/v1/talk` */
  talkUrl: string;
  httpUrl: string;
  key: string;
  close(): Promise<void>;
}

export async function startTalkServer(
  home: string,
  options: { environment?: Record<string, string>; overrides?: (config: Config) => RuntimeOverrides; store?: Store } = {},
): Promise<TalkServer> {
  const config = testConfig(home, { PERSONA_VOICES: path.join(home, 'voices'), PERSONA_AUDIO_LEAD_MS: '600000', ...options.environment });
  const ownStore = !options.store;
  const store = options.store ?? openStore(config);
  if (ownStore) await ingestSamplePersona(store);
  const runtime = await openPersonaRuntime(config, { store, ...options.overrides?.(config) });
  const app = await buildApp({ runtime });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const key = createApiKey(store.database, { name: 'test' }).key;
  return {
    config,
    store,
    runtime,
    app,
    talkUrl: `ws://127.0.0.1:${port}/v1/talk`,
    httpUrl: `http://127.0.0.1:${port}`,
    key,
    async close() {
      // A test may have closed the app already (to restart it); closing twice is harmless.
      await app.close().catch(() => undefined);
      await runtime.close();
      if (ownStore) store.close();
    },
  };
}

/** A voice folder with consent for cloning, as `persona voices add` leaves it (clips are not needed by a fake worker). */
export function addConsentedVoice(voicesFolder: string, name: string): void {
  const folder = path.join(voicesFolder, name);
  mkdirSync(folder, { recursive: true });
  writeFileSync(
    path.join(folder, 'consent.json'),
    JSON.stringify({ voice: name, consentBy: 'Meera Krishnan', grantedAt: '2026-11-01', purposes: ['voice-cloning'] }, null, 2),
  );
  writeFileSync(path.join(folder, 'voice.json'), JSON.stringify({ embedded: { flite: 'slt', espeak: 'en-us+f3' } }));
}
