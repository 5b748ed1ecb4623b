/**
 * One file, downloaded into `FILE.part` and renamed into place only once its sha256 is
 * right. A `.part` left by a cut transfer is resumed with an HTTP Range request: a 206
 * answer continues it, a 200 (server ignores ranges) starts over. The hash runs over the
 * bytes as they stream, after re-reading the part already on disk, so a 5 GB file is never
 * read twice on a good run.
 */
import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { ModelError } from './model-error.js';
import { partFilePath } from './model-paths.js';

export interface ExpectedChecksum {
  sha256: string;
  /** Where it comes from, for the message when it does not match. */
  source: string;
}

export interface DownloadFileOptions {
  url: string;
  destination: string;
  expected: ExpectedChecksum | null;
  /** The model, for messages. */
  model: string;
  fetch: typeof fetch;
  signal: AbortSignal | undefined;
  /** A transfer with no byte for this long counts as cut (and is resumed on retry). */
  stallTimeoutMs: number;
  onBytes: (receivedBytes: number, totalBytes: number | null) => void;
  /** The server ignored the Range request or the part no longer fits: starting from byte 0. */
  onRestart: (reason: string) => void;
}

export interface DownloadedFile {
  sha256: string;
  sizeBytes: number;
  /** Bytes that were already in the `.part` file and kept. */
  resumedFromBytes: number;
}

export async function downloadFile(options: DownloadFileOptions): Promise<DownloadedFile> {
  const { url, destination, model, signal } = options;
  const part = partFilePath(destination);
  await mkdir(path.dirname(destination), { recursive: true }).catch((error: unknown) => {
    throw new ModelError('write-failed', `Cannot create ${path.dirname(destination)}: ${(error as Error).message}`, { cause: error, model });
  });

  let offset = await sizeOf(part);
  let hash = createHash('sha256');
  // Hash what is on disk before asking the server, so the connection is never left idle.
  if (offset > 0) await hashFile(part, hash, signal, model);
  const resumedFrom = offset;

  for (let attempt = 0; ; attempt++) {
    const stall = new AbortController();
    const requestSignal = signal ? AbortSignal.any([signal, stall.signal]) : stall.signal;
    const response = await request(options, offset, requestSignal);
    const plan = planWrite(response, offset);
    if (plan.kind !== 'write') await response.body?.cancel().catch(() => {});
    if (plan.kind === 'error') throw httpError(options, response, offset);
    if (plan.kind === 'restart') {
      if (attempt > 0) throw new ModelError('http-error', `${url} does not answer range requests consistently (${plan.reason})`, { model, url, retryable: true });
      options.onRestart(plan.reason);
      offset = 0;
      hash = createHash('sha256');
      await rm(part, { force: true });
      continue;
    }
    if (plan.kind === 'write') {
      if (plan.fromStart && offset > 0) {
        options.onRestart('the server ignored the resume request (answered 200, not 206)');
        offset = 0;
        hash = createHash('sha256');
      }
      offset = await receive(options, response, part, plan.fromStart, offset, plan.totalBytes, hash, stall);
    }
    break;
  }

  const sha256 = hash.digest('hex');
  if (options.expected && sha256 !== options.expected.sha256) {
    await rm(part, { force: true });
    throw new ModelError(
      'checksum-mismatch',
      `${url} downloaded to ${destination} has sha256 ${sha256}, but ${options.expected.source} says ${options.expected.sha256}. ` +
        'The download was deleted. If the publisher has really changed the file, update that checksum; otherwise the file was corrupted or tampered with.',
      { model, url },
    );
  }
  try {
    await rename(part, destination);
  } catch (error) {
    throw new ModelError('write-failed', `Cannot move ${part} to ${destination}: ${(error as Error).message}`, { cause: error, model });
  }
  return { sha256, sizeBytes: offset, resumedFromBytes: resumedFrom };
}

type WritePlan =
  | { kind: 'write'; fromStart: boolean; totalBytes: number | null }
  /** The part on disk is already the whole file (416 with a matching length). */
  | { kind: 'complete' }
  | { kind: 'restart'; reason: string }
  | { kind: 'error' };

function planWrite(response: Response, offset: number): WritePlan {
  if (response.status === 200) return { kind: 'write', fromStart: true, totalBytes: numberOrNull(response.headers.get('content-length')) };
  if (response.status === 206) {
    const range = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(response.headers.get('content-range') ?? '');
    if (!range || Number(range[1]) !== offset) return { kind: 'restart', reason: `the server answered the range request with "${response.headers.get('content-range')}"` };
    return { kind: 'write', fromStart: false, totalBytes: range[3] === '*' ? null : Number(range[3]) };
  }
  if (response.status === 416 && offset > 0) {
    const total = /^bytes \*\/(\d+)$/.exec(response.headers.get('content-range') ?? '');
    if (total && Number(total[1]) === offset) return { kind: 'complete' };
    return { kind: 'restart', reason: 'the partial download is longer than the file on the server' };
  }
  return { kind: 'error' };
}

async function request(options: DownloadFileOptions, offset: number, signal: AbortSignal): Promise<Response> {
  try {
    // identity: a compressed answer would make byte offsets meaningless for resuming.
    const headers: Record<string, string> = { 'accept-encoding': 'identity' };
    if (offset > 0) headers.range = `bytes=${offset}-`;
    return await options.fetch(options.url, { headers, signal, redirect: 'follow' });
  } catch (error) {
    if (options.signal?.aborted) throw aborted(options);
    throw unreachable(options, error);
  }
}

async function receive(
  options: DownloadFileOptions,
  response: Response,
  part: string,
  fromStart: boolean,
  offset: number,
  totalBytes: number | null,
  hash: Hash,
  stall: AbortController,
): Promise<number> {
  const { model } = options;
  let received = fromStart ? 0 : offset;
  let handle: FileHandle;
  try {
    handle = await open(part, fromStart ? 'w' : 'a');
  } catch (error) {
    await response.body?.cancel().catch(() => {});
    throw new ModelError('write-failed', `Cannot write ${part}: ${(error as Error).message}`, { cause: error, model });
  }
  let stallTimer: NodeJS.Timeout | undefined;
  const armStallTimer = (): void => {
    clearTimeout(stallTimer);
    stallTimer = setTimeout(() => stall.abort(new Error('stalled')), options.stallTimeoutMs);
  };
  try {
    options.onBytes(received, totalBytes);
    if (!response.body) throw new Error('the answer has no body');
    const reader = response.body.getReader();
    armStallTimer();
    for (;;) {
      const chunk = await reader.read().catch((error: unknown) => {
        if (options.signal?.aborted) throw aborted(options);
        const why = stall.signal.aborted ? `no data arrived for ${options.stallTimeoutMs / 1000} s` : describeCause(error);
        throw interrupted(options, received, totalBytes, why, error);
      });
      if (chunk.done) break;
      armStallTimer();
      try {
        await handle.write(chunk.value);
      } catch (error) {
        await reader.cancel().catch(() => {});
        throw new ModelError('write-failed', `Cannot write ${part}: ${(error as Error).message}`, { cause: error, model });
      }
      hash.update(chunk.value);
      received += chunk.value.byteLength;
      options.onBytes(received, totalBytes);
    }
    // Flushed before the rename, so a power cut cannot leave a verified name over unwritten bytes.
    await handle.sync();
  } finally {
    clearTimeout(stallTimer);
    await handle.close();
  }
  if (totalBytes !== null && received !== totalBytes) {
    throw interrupted(options, received, totalBytes, 'the connection closed early', undefined);
  }
  return received;
}

async function hashFile(file: string, hash: Hash, signal: AbortSignal | undefined, model: string): Promise<void> {
  try {
    for await (const chunk of createReadStream(file, { signal })) hash.update(chunk as Buffer);
  } catch (error) {
    if (signal?.aborted) throw new ModelError('aborted', `Download of ${model} interrupted; run the same command again to resume`, { model });
    throw new ModelError('write-failed', `Cannot read ${file}: ${(error as Error).message}`, { cause: error, model });
  }
}

async function sizeOf(file: string): Promise<number> {
  try {
    return (await stat(file)).size;
  } catch {
    return 0;
  }
}

function numberOrNull(value: string | null): number | null {
  return value !== null && /^\d+$/.test(value) ? Number(value) : null;
}

function httpError(options: DownloadFileOptions, response: Response, offset: number): ModelError {
  const { status } = response;
  const retryable = status >= 500 || status === 429 || status === 408;
  const hint =
    status === 401 || status === 403
      ? ' The publisher may require signing in or accepting terms on their site first.'
      : status === 404
        ? ' The file has moved; the manifest entry needs a new URL.'
        : retryable
          ? ' The server is having trouble; try again later.'
          : '';
  const range = offset > 0 ? ` (resuming at byte ${offset})` : '';
  return new ModelError('http-error', `Download of ${options.url}${range} failed: HTTP ${status} ${response.statusText}.${hint}`, {
    model: options.model,
    url: options.url,
    retryable,
  });
}

function unreachable(options: DownloadFileOptions, error: unknown): ModelError {
  const host = new URL(options.url).host;
  return new ModelError(
    'unreachable',
    `Cannot reach ${host} to download ${options.url} (${describeCause(error)}): this machine has no access to ${host} — it is offline, or a firewall or proxy blocks it. ` +
      `Run \`persona models pull ${options.model}\` on a connected machine and copy its models/${options.model}/ folder here.`,
    { cause: error, model: options.model, url: options.url },
  );
}

function interrupted(options: DownloadFileOptions, received: number, totalBytes: number | null, why: string, cause: unknown): ModelError {
  const of = totalBytes === null ? '' : ` of ${totalBytes}`;
  return new ModelError(
    'transfer-interrupted',
    `Download of ${options.url} was cut after ${received}${of} bytes (${why}); the partial file is kept: run the same command again to resume`,
    { cause, model: options.model, url: options.url },
  );
}

function aborted(options: DownloadFileOptions): ModelError {
  return new ModelError('aborted', `Download of ${options.model} interrupted; the partial file is kept: run the same command again to resume`, {
    model: options.model,
    url: options.url,
  });
}

/** fetch wraps the system error (ENOTFOUND, ECONNREFUSED...) in `cause`, sometimes in an AggregateError. */
function describeCause(error: unknown): string {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
    const { code } = current as NodeJS.ErrnoException;
    if (code) return `${code}${current.message && !current.message.includes(code) ? `: ${current.message}` : ''}`;
    const inner: unknown = current instanceof AggregateError ? current.errors[0] : current.cause;
    if (inner === undefined) return current.message;
    current = inner;
  }
  return String(current);
}
