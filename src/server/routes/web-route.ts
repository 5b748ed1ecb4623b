/**
 * The installable web app at `/` and the embeddable widget at `/widget/`, both from the
 * output of `npm run build` (`web/dist/`). Public: the auth hook guards only `/v1` and
 * `/metrics`, and the app asks for a session token itself.
 *
 * The folder is read per request, so a build made after the server started is served
 * without a restart; until there is one, `/` says how to make it.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';

export interface WebRoutesOptions {
  /** The build output holding `app/` and `widget/`; default `web/dist` in this repository. */
  distFolder?: string;
}

export const defaultDistFolder = fileURLToPath(new URL('../../../web/dist', import.meta.url));

const manifestContentType = 'application/manifest+json; charset=utf-8';

export async function registerWebRoutes(app: FastifyInstance, options: WebRoutesOptions = {}): Promise<void> {
  const distFolder = path.resolve(options.distFolder ?? defaultDistFolder);
  const appFolder = path.join(distFolder, 'app');
  const widgetFolder = path.join(distFolder, 'widget');

  await app.register(fastifyStatic, {
    root: appFolder,
    prefix: '/',
    // `/` is answered below, so a missing build gets a page that says what to do instead of a 404.
    index: false,
    setHeaders: setAppHeaders,
    // The folder may not exist yet; `/` explains that better than a startup warning.
    suppressWarning: true,
  });
  await app.register(fastifyStatic, {
    root: widgetFolder,
    prefix: '/widget/',
    index: false,
    decorateReply: false,
    setHeaders: setCommonHeaders,
    suppressWarning: true,
  });

  app.get('/', async (_request, reply) => {
    if (!existsSync(path.join(appFolder, 'index.html'))) return sendBuildMissing(reply);
    return reply.sendFile('index.html', appFolder);
  });
}

function setCommonHeaders(reply: FastifyReply): void {
  reply.header('x-content-type-options', 'nosniff');
}

function setAppHeaders(reply: FastifyReply, filePath: string): void {
  setCommonHeaders(reply);
  const name = path.basename(filePath);
  if (name === 'service-worker.js') {
    // A cached worker would keep serving an old app shell: browsers must ask every time.
    reply.header('cache-control', 'no-cache');
    reply.header('service-worker-allowed', '/');
  } else if (name.endsWith('.webmanifest')) {
    reply.header('content-type', manifestContentType);
    reply.header('cache-control', 'no-cache');
  } else if (name === 'index.html') {
    reply.header('cache-control', 'no-cache');
    // The page may be opened as `/?token=…`; its own requests must not carry that URL as a Referer.
    reply.header('referrer-policy', 'no-referrer');
  }
}

function sendBuildMissing(reply: FastifyReply): FastifyReply {
  // The folder's path stays out of the page: it is public, and the path is the operator's business.
  const page = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Persona: web app not built</title></head>
<body>
<h1>The web app has not been built</h1>
<p>This server has no <code>app/index.html</code> in its web build folder. Run <code>npm run build</code> in the Persona folder, then reload this page.</p>
<p>The API (<code>/v1/…</code>) and <code>/healthz</code> work without it.</p>
</body>
</html>
`;
  return reply.code(503).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(page);
}
