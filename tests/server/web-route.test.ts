import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import vm from 'node:vm';
import { inflateSync } from 'node:zlib';
import Fastify, { type FastifyInstance } from 'fastify';
import { installAuth } from '../../src/server/auth/install-auth.js';
import { registerWebRoutes } from '../../src/server/routes/web-route.js';
import { openStore } from '../../src/store/store.js';
import { crc32 } from '../../web/app/make-icons.js';
import { temporaryFolder } from '../helpers/temporary-folder.js';
import { testConfig } from '../helpers/test-config.js';

const publicFolder = path.resolve('web/app/public');
const builtApp = 'console.log("the app");\n';
const builtWidget = 'customElements.define("persona-widget", class extends HTMLElement {});\n';

/** A build output as `npm run build` lays it out: the app's public files, its bundle, and the widget. */
function makeDist(folder: string): string {
  const dist = path.join(folder, 'dist');
  cpSync(publicFolder, path.join(dist, 'app'), { recursive: true });
  writeFileSync(path.join(dist, 'app', 'app.js'), builtApp);
  mkdirSync(path.join(dist, 'widget'), { recursive: true });
  writeFileSync(path.join(dist, 'widget', 'persona-widget.js'), builtWidget);
  // Outside both served folders: must never be reachable.
  writeFileSync(path.join(dist, 'secret.txt'), 'not for the web');
  return dist;
}

/** The web routes behind the real auth hook, as src/server/app.ts installs them. */
async function startWebApp(context: TestContext, distFolder: string): Promise<FastifyInstance> {
  const home = temporaryFolder(context);
  const store = openStore(testConfig(home, { PERSONA_ENCRYPT: 'false' }));
  const app = Fastify();
  installAuth(app, { store, home });
  await registerWebRoutes(app, { distFolder });
  await app.ready();
  context.after(async () => {
    await app.close();
    store.close();
  });
  return app;
}

test('the app shell, the worker, the manifest and the widget are served publicly with the right headers', async (context) => {
  const dist = makeDist(temporaryFolder(context));
  const app = await startWebApp(context, dist);

  for (const url of ['/', '/?token=pst_abc.def', '/index.html']) {
    const page = await app.inject({ url });
    assert.equal(page.statusCode, 200, url);
    assert.match(String(page.headers['content-type']), /^text\/html/);
    assert.equal(page.body, readFileSync(path.join(publicFolder, 'index.html'), 'utf8'));
    assert.equal(page.headers['cache-control'], 'no-cache', url);
    assert.equal(page.headers['referrer-policy'], 'no-referrer', url);
  }

  const worker = await app.inject({ url: '/service-worker.js' });
  assert.equal(worker.statusCode, 200);
  assert.match(String(worker.headers['content-type']), /^(text|application)\/javascript/);
  assert.equal(worker.headers['service-worker-allowed'], '/');
  assert.equal(worker.headers['cache-control'], 'no-cache');

  const manifest = await app.inject({ url: '/manifest.webmanifest' });
  assert.equal(manifest.statusCode, 200);
  assert.match(String(manifest.headers['content-type']), /^application\/manifest\+json/);
  assert.equal(manifest.headers['cache-control'], 'no-cache');

  const script = await app.inject({ url: '/app.js' });
  assert.equal(script.statusCode, 200);
  assert.equal(script.body, builtApp);
  assert.match(String(script.headers['content-type']), /javascript/);
  assert.equal(script.headers['x-content-type-options'], 'nosniff');

  const widget = await app.inject({ url: '/widget/persona-widget.js' });
  assert.equal(widget.statusCode, 200);
  assert.equal(widget.body, builtWidget);
  assert.match(String(widget.headers['content-type']), /javascript/);

  const icon = await app.inject({ url: '/icons/icon-192.png' });
  assert.equal(icon.statusCode, 200);
  assert.equal(icon.headers['content-type'], 'image/png');

  assert.equal((await app.inject({ url: '/no-such-file.js' })).statusCode, 404);
  assert.equal((await app.inject({ url: '/widget/no-such-file.js' })).statusCode, 404);
  // The wildcard routes must not open the API: the auth hook still answers first.
  assert.equal((await app.inject({ url: '/v1/personas' })).statusCode, 401);
  assert.equal((await app.inject({ url: '/v1/anything/else' })).statusCode, 401);
});

test('files outside the served folders cannot be reached', async (context) => {
  const dist = makeDist(temporaryFolder(context));
  const app = await startWebApp(context, dist);
  for (const url of ['/../secret.txt', '/%2e%2e/secret.txt', '/widget/../secret.txt', '/widget/%2e%2e/%2e%2e/secret.txt', '/..%2fsecret.txt', '/widget/..%2f..%2fsecret.txt']) {
    const response = await app.inject({ url });
    assert.ok(response.statusCode >= 400, `${url} answered ${response.statusCode}`);
    assert.ok(!response.body.includes('not for the web'), url);
  }
});

test('without a build, / answers 503 with a page saying to run npm run build; a later build is served without a restart', async (context) => {
  const folder = temporaryFolder(context);
  const dist = path.join(folder, 'dist');
  const app = await startWebApp(context, dist);

  const missing = await app.inject({ url: '/' });
  assert.equal(missing.statusCode, 503);
  assert.match(String(missing.headers['content-type']), /^text\/html/);
  assert.equal(missing.headers['cache-control'], 'no-store');
  assert.match(missing.body, /<h1>The web app has not been built<\/h1>/);
  assert.match(missing.body, /Run <code>npm run build<\/code>/);
  assert.ok(!missing.body.includes(folder), 'the page does not show where the server keeps its files');
  assert.equal((await app.inject({ url: '/app.js' })).statusCode, 404);

  makeDist(folder);
  const built = await app.inject({ url: '/' });
  assert.equal(built.statusCode, 200);
  assert.equal(built.body, readFileSync(path.join(publicFolder, 'index.html'), 'utf8'));
});

interface PngHeader {
  width: number;
  height: number;
  bitDepth: number;
  colourType: number;
}

/** Checks a PNG's structure (signature, chunk CRCs, image data size) and returns its header. */
function readPng(bytes: Buffer, name: string): PngHeader {
  assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], `${name} has the PNG signature`);
  let offset = 8;
  const chunks: { type: string; data: Buffer }[] = [];
  while (offset < bytes.length) {
    const length = bytes.readUInt32BE(offset);
    const type = bytes.toString('latin1', offset + 4, offset + 8);
    const data = bytes.subarray(offset + 8, offset + 8 + length);
    assert.equal(bytes.readUInt32BE(offset + 8 + length), crc32(bytes.subarray(offset + 4, offset + 8 + length)), `${name}: ${type} CRC`);
    chunks.push({ type, data });
    offset += 12 + length;
  }
  assert.deepEqual([chunks[0]?.type, chunks.at(-1)?.type], ['IHDR', 'IEND'], name);
  const header = chunks[0]!.data;
  const png = { width: header.readUInt32BE(0), height: header.readUInt32BE(4), bitDepth: header[8]!, colourType: header[9]! };
  assert.deepEqual([png.bitDepth, png.colourType], [8, 6], `${name} is 8-bit RGBA`);
  const pixels = inflateSync(Buffer.concat(chunks.filter((chunk) => chunk.type === 'IDAT').map((chunk) => chunk.data)));
  assert.equal(pixels.length, png.height * (1 + png.width * 4), `${name}: image data matches its size`);
  return png;
}

test('the manifest is valid JSON with what installing needs, and every icon it names is a PNG of the stated size', () => {
  const manifest = JSON.parse(readFileSync(path.join(publicFolder, 'manifest.webmanifest'), 'utf8')) as {
    name?: string;
    short_name?: string;
    start_url?: string;
    scope?: string;
    display?: string;
    theme_color?: string;
    background_color?: string;
    icons?: { src: string; sizes: string; type: string; purpose?: string }[];
  };
  assert.ok(manifest.name && manifest.short_name && manifest.short_name.length <= 12);
  assert.equal(manifest.start_url, '/');
  assert.equal(manifest.scope, '/');
  assert.equal(manifest.display, 'standalone');
  assert.match(manifest.theme_color ?? '', /^#[0-9a-f]{6}$/i);
  assert.match(manifest.background_color ?? '', /^#[0-9a-f]{6}$/i);

  const icons = manifest.icons ?? [];
  const offered = new Set(icons.flatMap((icon) => (icon.purpose ?? 'any').split(/\s+/).map((purpose) => `${icon.sizes} ${purpose}`)));
  for (const wanted of ['192x192 any', '512x512 any', '192x192 maskable', '512x512 maskable']) assert.ok(offered.has(wanted), `an icon ${wanted}`);
  for (const icon of icons) {
    assert.equal(icon.type, 'image/png');
    const file = path.join(publicFolder, icon.src);
    assert.ok(icon.src.startsWith('/icons/') && existsSync(file), `${icon.src} exists`);
    const png = readPng(readFileSync(file), icon.src);
    assert.equal(`${png.width}x${png.height}`, icon.sizes, icon.src);
  }
  // The page links the manifest and the icons the service worker keeps.
  const page = readFileSync(path.join(publicFolder, 'index.html'), 'utf8');
  assert.match(page, /<link rel="manifest" href="\/manifest.webmanifest">/);
  for (const role of ['persona-picker', 'history', 'token-form', 'app-error']) assert.match(page, new RegExp(`data-role="${role}"`), role);
});

interface ServiceWorkerHarness {
  dispatch(type: string, fields?: Record<string, unknown>): { settled: Promise<unknown>; response: Promise<Response> | undefined };
  cacheStorage: Map<string, Map<string, Response>>;
  calls: string[];
}

/**
 * Runs public/service-worker.js as a browser would, as far as it needs: `self` with its
 * events, a Cache Storage kept in memory, and the real fetch against the real server.
 */
function loadServiceWorker(origin: string): ServiceWorkerHarness {
  const listeners = new Map<string, (event: unknown) => void>();
  const cacheStorage = new Map<string, Map<string, Response>>();
  const calls: string[] = [];
  const absolute = (input: string | Request): string => new URL(typeof input === 'string' ? input : input.url, origin).href;
  const openCache = (name: string) => {
    let entries = cacheStorage.get(name);
    if (!entries) cacheStorage.set(name, (entries = new Map()));
    const cache = entries;
    return {
      async addAll(requests: (string | Request)[]) {
        const responses = await Promise.all(requests.map((request) => fetch(typeof request === 'string' ? absolute(request) : request)));
        responses.forEach((response, index) => {
          if (!response.ok) throw new TypeError(`addAll: ${absolute(requests[index]!)} answered ${response.status}`);
        });
        responses.forEach((response, index) => cache.set(absolute(requests[index]!), response));
      },
      async put(request: string | Request, response: Response) {
        cache.set(absolute(request), response);
      },
      async match(request: string | Request) {
        return cache.get(absolute(request))?.clone();
      },
    };
  };
  const scope = {
    location: new URL('/service-worker.js', origin),
    addEventListener: (type: string, listener: (event: unknown) => void) => listeners.set(type, listener),
    skipWaiting: async () => void calls.push('skipWaiting'),
    clients: { claim: async () => void calls.push('claim') },
  };
  const context = vm.createContext({
    self: scope,
    caches: { open: async (name: string) => openCache(name), keys: async () => [...cacheStorage.keys()], delete: async (name: string) => cacheStorage.delete(name) },
    fetch: (input: string | Request, init?: RequestInit) => fetch(typeof input === 'string' ? absolute(input) : input, init),
    Request: class extends Request {
      constructor(input: string | Request, init?: RequestInit) {
        super(typeof input === 'string' ? absolute(input) : input, init);
      }
    },
    URL,
    console,
  });
  vm.runInContext(readFileSync(path.join(publicFolder, 'service-worker.js'), 'utf8'), context, { filename: 'service-worker.js' });
  return {
    cacheStorage,
    calls,
    dispatch(type, fields = {}) {
      const pending: Promise<unknown>[] = [];
      let response: Promise<Response> | undefined;
      listeners.get(type)!({
        ...fields,
        waitUntil: (promise: Promise<unknown>) => pending.push(promise),
        respondWith: (answer: Response | Promise<Response>) => (response = Promise.resolve(answer)),
      });
      return { settled: Promise.all(pending), response };
    },
  };
}

function fetchEvent(origin: string, url: string, options: { method?: string; mode?: string } = {}): Record<string, unknown> {
  // A plain object: Node's Request refuses mode "navigate", which only browsers create.
  return { request: { url: new URL(url, origin).href, method: options.method ?? 'GET', mode: options.mode ?? 'cors', headers: new Headers() } };
}

test('the service worker caches the shell on install, drops old caches, serves the shell cache-first and never the API', async (context) => {
  const dist = makeDist(temporaryFolder(context));
  const app = await startWebApp(context, dist);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const worker = loadServiceWorker(origin);
  worker.cacheStorage.set('persona-shell-v0', new Map());
  worker.cacheStorage.set('someone-elses-cache', new Map());

  await worker.dispatch('install').settled;
  const shellCaches = [...worker.cacheStorage.keys()].filter((name) => name.startsWith('persona-shell-') && name !== 'persona-shell-v0');
  assert.equal(shellCaches.length, 1, 'one versioned shell cache');
  const shell = worker.cacheStorage.get(shellCaches[0]!)!;
  const cachedPaths = [...shell.keys()].map((url) => new URL(url).pathname).sort();
  for (const wanted of ['/', '/app.js', '/widget/persona-widget.js', '/manifest.webmanifest', '/icons/icon-192.png', '/icons/icon-512.png', '/icons/maskable-192.png', '/icons/maskable-512.png']) {
    assert.ok(cachedPaths.includes(wanted), `the shell cache holds ${wanted}`);
  }
  assert.deepEqual(worker.calls, ['skipWaiting']);

  await worker.dispatch('activate').settled;
  assert.deepEqual([...worker.cacheStorage.keys()].sort(), [shellCaches[0], 'someone-elses-cache'].sort(), 'the old shell cache is gone, others are left alone');
  assert.deepEqual(worker.calls, ['skipWaiting', 'claim']);

  for (const [url, options] of [
    ['/v1/personas', {}],
    ['/v1/conversations?persona=meera', {}],
    ['/v1/talk?token=pst_x', {}],
    ['/metrics', {}],
    ['/healthz', {}],
    ['/', { method: 'POST' }],
    ['https://elsewhere.example/app.js', {}],
    ['/app.js?fresh=1', {}],
  ] as const) {
    const { response } = worker.dispatch('fetch', fetchEvent(origin, url, options));
    assert.equal(response, undefined, `${options.method ?? 'GET'} ${url} goes to the network untouched`);
  }
  for (const entries of worker.cacheStorage.values()) {
    for (const url of entries.keys()) assert.ok(!new URL(url).pathname.startsWith('/v1'), `${url} is not an API call`);
  }

  const script = worker.dispatch('fetch', fetchEvent(origin, '/app.js'));
  assert.equal(await (await script.response!).text(), builtApp);
  await script.settled;
  const expectedPage = readFileSync(path.join(publicFolder, 'index.html'), 'utf8');
  const page = worker.dispatch('fetch', fetchEvent(origin, '/?token=pst_abc.def#more', { mode: 'navigate' }));
  assert.equal(await (await page.response!).text(), expectedPage, 'a link with a token opens the one cached page');
  await page.settled;

  // Offline: the server is gone, the shell still opens.
  await app.close();
  const offline = worker.dispatch('fetch', fetchEvent(origin, '/', { mode: 'navigate' }));
  assert.equal(await (await offline.response!).text(), expectedPage);
  await offline.settled;
  const offlineWidget = worker.dispatch('fetch', fetchEvent(origin, '/widget/persona-widget.js'));
  assert.equal(await (await offlineWidget.response!).text(), builtWidget);
  await offlineWidget.settled;
});
