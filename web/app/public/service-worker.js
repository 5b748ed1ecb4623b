/*
 * The web app's service worker: keeps the app shell (page, script, styles, widget,
 * manifest, icons) in a versioned cache so the app opens instantly and offline. The shell
 * is served from the cache first and refreshed from the network behind it, so a new build
 * shows on the next visit. The API (/v1/…), /metrics, /healthz and the talk WebSocket are
 * never cached: they carry credentials and live data.
 *
 * Raise `shellVersion` when the set of shell files changes; old caches are deleted on activate.
 */
const shellVersion = 1;
const cachePrefix = 'persona-shell-';
const cacheName = `${cachePrefix}v${shellVersion}`;

const shellFiles = [
  '/',
  '/index.html',
  '/app.js',
  '/styles.css',
  '/widget/persona-widget.js',
  '/manifest.webmanifest',
  '/icons/icon-192.png',
  '/icons/icon-512.png',
  '/icons/maskable-192.png',
  '/icons/maskable-512.png',
];
const shellPaths = new Set(shellFiles);

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(cacheName);
      // 'reload' skips the HTTP cache: the shell must be this build's, not an older one's.
      await cache.addAll(shellFiles.map((path) => new Request(path, { cache: 'reload' })));
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      const names = await caches.keys();
      await Promise.all(names.filter((name) => name.startsWith(cachePrefix) && name !== cacheName).map((name) => caches.delete(name)));
      await self.clients.claim();
    })(),
  );
});

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || neverCached(url.pathname)) return;
  if (request.headers.get('upgrade')) return;
  // The page itself, however it was opened (`/?token=…`, `/#token=…`): one cached copy.
  if (request.mode === 'navigate' && (url.pathname === '/' || url.pathname === '/index.html')) {
    event.respondWith(shellFirst(event, '/'));
    return;
  }
  if (shellPaths.has(url.pathname) && url.search === '') event.respondWith(shellFirst(event, url.pathname));
});

function neverCached(pathname) {
  return pathname === '/v1' || pathname.startsWith('/v1/') || pathname === '/metrics' || pathname.startsWith('/metrics/') || pathname === '/healthz';
}

/** The cached copy at once when there is one, with a refresh from the network for next time; else the network. */
async function shellFirst(event, path) {
  const cache = await caches.open(cacheName);
  const cached = await cache.match(path);
  const refresh = fetch(path, { cache: 'no-cache' }).then(
    async (response) => {
      if (response.ok && response.type === 'basic') await cache.put(path, response.clone());
      return response;
    },
    (error) => {
      if (cached) return cached;
      throw error;
    },
  );
  if (cached) {
    event.waitUntil(refresh.catch(() => undefined));
    return cached;
  }
  return refresh;
}
