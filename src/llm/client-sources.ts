/**
 * The one form in which an answer's sources leave the server (WebSocket `sources` events,
 * `/v1/interact`, chat completions' metadata, batch outputs, `persona ask --json`): an id, the
 * human label, and the file's path relative to what was ingested for the persona. The
 * server's absolute paths (`/home/NAME/…`) say who runs it and how their disk is laid out;
 * they stay in the encrypted store.
 *
 * "What was ingested" is the deepest folder holding every source of the persona: the store
 * keeps each source's absolute path, not the folder `persona ingest` was given, and the
 * common folder is that folder whenever one folder was ingested.
 */
import path from 'node:path';
import type { SqliteDatabase } from '../store/open-database.js';

export interface ClientSource {
  id: string;
  label: string;
  /** Relative to the persona's ingested folder, with `/` separators; never absolute. */
  source: string;
  page?: number;
  date?: string;
}

export function clientSources(database: SqliteDatabase, persona: string, sources: readonly ClientSource[]): ClientSource[] {
  if (sources.length === 0) return [];
  const root = ingestedRoot(database.prepare('SELECT path FROM sources WHERE persona_id = ?').pluck().all(persona) as string[]);
  return sources.map((source) => ({ ...source, source: relativeSourcePath(source.source, root) }));
}

/** The deepest folder that holds every absolute path given; undefined when there are none. */
export function ingestedRoot(paths: readonly string[]): string | undefined {
  let common: string[] | undefined;
  for (const sourcePath of paths) {
    if (!path.isAbsolute(sourcePath)) continue;
    const folders = path.dirname(path.normalize(sourcePath)).split(path.sep);
    if (!common) {
      common = folders;
      continue;
    }
    let shared = 0;
    while (shared < common.length && shared < folders.length && common[shared] === folders[shared]) shared++;
    common = common.slice(0, shared);
  }
  return common ? common.join(path.sep) || path.sep : undefined;
}

/** A source's path as a client may see it: relative to `root`, or at least without its folders. */
export function relativeSourcePath(sourcePath: string, root: string | undefined): string {
  if (!path.isAbsolute(sourcePath)) return sourcePath;
  const normalised = path.normalize(sourcePath);
  const relative = root ? path.relative(root, normalised) : '';
  // Outside the root (a source added after the turn was answered, another disk): the file's name alone.
  const shown = !relative || relative.startsWith('..') || path.isAbsolute(relative) ? path.basename(normalised) : relative;
  return shown.split(path.sep).join('/');
}
