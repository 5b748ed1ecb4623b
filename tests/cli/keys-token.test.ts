import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { installAuth } from '../../src/server/auth/install-auth.js';
import { registerPersonaRoutes } from '../../src/server/routes/personas-route.js';
import { savePersona } from '../../src/store/persona-repository.js';
import { openStore } from '../../src/store/store.js';
import { temporaryFolder } from '../helpers/temporary-folder.js';
import { testConfig } from '../helpers/test-config.js';

const cli = path.resolve('tests/cli/persona-keys-cli.ts');
const plaintextStore = { PERSONA_ENCRYPT: 'false' };

function persona(home: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['--import', 'tsx', cli, ...args], {
    env: { ...process.env, PERSONA_HOME: home, ...plaintextStore },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

interface ListedKey {
  id: string;
  name?: string;
  revokedAt?: string;
}

function listKeys(home: string): ListedKey[] {
  const listed = persona(home, ['keys', 'list', '--json']);
  assert.equal(listed.status, 0, listed.stderr);
  return JSON.parse(listed.stdout) as ListedKey[];
}

/** A home with two personas, and a server over it (auth and the persona routes) as `persona serve` would run it. */
async function prepare(context: TestContext): Promise<{ home: string; server: FastifyInstance }> {
  const home = temporaryFolder(context);
  {
    using store = openStore(testConfig(home, plaintextStore));
    savePersona(store.database, 'meera', ['Meera Krishnan']);
    savePersona(store.database, 'tom', ['Tom Okafor']);
  }
  const store = openStore(testConfig(home, plaintextStore));
  const server = Fastify();
  installAuth(server, { store, home });
  registerPersonaRoutes(server, { database: store.database, defaultPersona: 'meera' });
  await server.ready();
  context.after(async () => {
    await server.close();
    store.close();
  });
  return { home, server };
}

async function personasSeenWith(server: FastifyInstance, token: string): Promise<{ status: number; ids: string[]; message?: string }> {
  const response = await server.inject({ url: '/v1/personas', headers: { authorization: `Bearer ${token}` } });
  const body = response.json() as { personas?: { id: string }[]; error?: { message: string } };
  return { status: response.statusCode, ids: (body.personas ?? []).map((listed) => listed.id), ...(body.error ? { message: body.error.message } : {}) };
}

test('keys token prints a session token the server accepts, scoped to --persona, with the web app link', async (context) => {
  const { home, server } = await prepare(context);
  const before = Date.now();
  const printed = persona(home, ['keys', 'token', '--persona', 'meera', '--url', 'http://127.0.0.1:8080/', '--json']);
  assert.equal(printed.status, 0, printed.stderr);
  const minted = JSON.parse(printed.stdout) as { token: string; expiresAt: string; keyId: string; persona: string; url: string };
  assert.match(minted.token, /^pst_[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
  assert.equal(minted.persona, 'meera');
  assert.equal(minted.url, `http://127.0.0.1:8080/#token=${minted.token}`);
  const lifetime = Date.parse(minted.expiresAt) - before;
  assert.ok(lifetime > 7.9 * 3600_000 && lifetime <= 8 * 3600_000 + 60_000, `lasts 8 hours by default (${lifetime} ms)`);

  assert.deepEqual(await personasSeenWith(server, minted.token), { status: 200, ids: ['meera'] });
  const viaQuery = await server.inject({ url: `/v1/personas?token=${encodeURIComponent(minted.token)}` });
  assert.equal(viaQuery.statusCode, 200, 'the form browsers use works too');

  const keys = listKeys(home);
  assert.deepEqual(
    keys.map((key) => [key.id, key.name, key.revokedAt]),
    [[minted.keyId, 'pwa', undefined]],
    'signed for a key named "pwa", made on first use',
  );

  // Plain output: the token alone on stdout, then the link; what it is for goes to stderr.
  const plain = persona(home, ['keys', 'token', '--ttl', '600', '--url', 'https://persona.example/app']);
  assert.equal(plain.status, 0, plain.stderr);
  const [token, link, ...rest] = plain.stdout.split('\n');
  assert.deepEqual(rest, ['']);
  assert.equal(link, `https://persona.example/app/#token=${token}`);
  assert.match(plain.stderr, /^Session token for any persona, valid until \d{4}-\d\d-\d\dT/);
  assert.match(plain.stderr, new RegExp(`persona keys revoke ${minted.keyId}`));
  assert.deepEqual(await personasSeenWith(server, token!), { status: 200, ids: ['meera', 'tom'] }, 'without --persona the token may talk to any');
  assert.equal(listKeys(home).length, 1, 'the "pwa" key is reused, not multiplied');
});

test('revoking the "pwa" key ends its tokens; the next keys token makes a new key', async (context) => {
  const { home, server } = await prepare(context);
  const first = persona(home, ['keys', 'token']);
  assert.equal(first.status, 0, first.stderr);
  const firstToken = first.stdout.trim();
  const [key] = listKeys(home);
  assert.equal((await personasSeenWith(server, firstToken)).status, 200);

  assert.equal(persona(home, ['keys', 'revoke', key!.id]).status, 0);
  const refused = await personasSeenWith(server, firstToken);
  assert.equal(refused.status, 401);
  assert.match(refused.message ?? '', /minted with an API key that has since been revoked/);

  const second = persona(home, ['keys', 'token']);
  assert.equal(second.status, 0, second.stderr);
  assert.equal((await personasSeenWith(server, second.stdout.trim())).status, 200);
  const keys = listKeys(home);
  assert.deepEqual(
    keys.map((listed) => [listed.name, listed.revokedAt !== undefined]),
    [
      ['pwa', true],
      ['pwa', false],
    ],
  );
});

test('keys token refuses a bad --ttl, --url or --persona with a message naming it, and makes no key', async (context) => {
  const { home } = await prepare(context);
  for (const [args, message] of [
    [['--ttl', '0'], /^persona: --ttl must be a whole number of seconds from 1 to 86400 \(24 hours\); it is "0"/],
    [['--ttl', '86401'], /^persona: --ttl must be .*; it is "86401"/],
    [['--ttl', '1.5'], /^persona: --ttl must be .*; it is "1.5"/],
    [['--url', 'ftp://files.example'], /^persona: --url must start with http:\/\/ or https:\/\/; it is "ftp:\/\/files.example"/],
    [['--url', 'localhost:8080'], /^persona: --url must start with http/],
    [['--url', 'not a url'], /^persona: --url must be the server's address, like http:\/\/localhost:8080; "not a url" is not a URL/],
    [['--url', 'http://host/?next=1'], /^persona: --url must be a base address without \?query or #fragment/],
    [['--persona', 'nobody'], /^persona: --persona: persona "nobody" does not exist in this store/],
  ] as const) {
    const result = persona(home, ['keys', 'token', ...args]);
    assert.equal(result.status, 1, `${args.join(' ')}: ${result.stderr}`);
    assert.match(result.stderr, message, args.join(' '));
    assert.equal(result.stdout, '', 'no token printed');
  }
  assert.deepEqual(listKeys(home), [], 'a refused run leaves no key behind');
});
