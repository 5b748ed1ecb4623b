/**
 * Where the `chroma` CLI of the installed `chromadb` package lives. It is found through
 * the package itself, never through PATH, so the server always matches the client
 * library the service talks to it with.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { VectorStoreError } from './vector-store-error.js';

export interface ChromaCli {
  /** The CLI file itself: a JavaScript file in chromadb 3.x. */
  file: string;
  /** A JavaScript CLI runs under this very Node binary: no shebang, PATH or execute bit involved. */
  isJavaScript: boolean;
  /** The installed chromadb version, for messages. */
  version: string;
}

interface PackageManifest {
  name?: string;
  version?: string;
  bin?: string | Record<string, string>;
}

export function resolveChromaCli(): ChromaCli {
  let entry: string;
  try {
    // The package's exports hide package.json, so resolve its entry point and walk up.
    entry = createRequire(import.meta.url).resolve('chromadb');
  } catch (error) {
    throw new VectorStoreError('server-start', 'The chromadb package is not installed; the embedded Chroma server needs it', { cause: error });
  }
  for (let folder = path.dirname(entry); folder !== path.dirname(folder); folder = path.dirname(folder)) {
    const manifestFile = path.join(folder, 'package.json');
    if (!existsSync(manifestFile)) continue;
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as PackageManifest;
    if (manifest.name !== 'chromadb') continue;
    const relative = typeof manifest.bin === 'string' ? manifest.bin : manifest.bin?.['chroma'];
    if (relative === undefined) {
      throw new VectorStoreError('server-start', `chromadb ${manifest.version ?? '?'} at ${folder} has no "chroma" CLI; the embedded server needs chromadb 3.x`);
    }
    const file = path.resolve(folder, relative);
    return { file, isJavaScript: /\.[cm]?js$/.test(file), version: manifest.version ?? 'unknown' };
  }
  throw new VectorStoreError('server-start', `Found chromadb at ${entry} but not its package.json`);
}
