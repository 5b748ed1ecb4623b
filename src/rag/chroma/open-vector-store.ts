/**
 * The service's vector store: the Chroma server at `chromaUrl` (CHROMA_URL) when one is
 * given, else an embedded server on `dataFolder` that lives and dies with the store.
 */
import { createChromaVectorStore } from './chroma-vector-store.js';
import { startChromaServer, type ChromaServer, type ChromaServerEvent } from './chroma-server.js';
import { HEARTBEAT_ROUTE } from './heartbeat.js';
import { claimServer, type ServerClaim } from './server-ownership.js';
import { VectorStoreError } from './vector-store-error.js';
import type { VectorStore } from '../vector-store.js';

export interface OpenVectorStoreOptions {
  /** An external Chroma server; no embedded server is started when set. */
  chromaUrl?: string | undefined;
  /** The embedded server's data; unused with `chromaUrl`. */
  dataFolder: string;
  log?: (line: string) => void;
  onServerEvent?: (event: ChromaServerEvent) => void;
  signal?: AbortSignal;
}

export interface OpenedVectorStore extends VectorStore, AsyncDisposable {
  readonly url: string;
  /** The embedded server, when this store started one. */
  readonly server: ChromaServer | undefined;
  /** Closes the store and stops the embedded server, if any. Safe to call again. */
  close(): Promise<void>;
}

async function checkExternal(url: string, signal: AbortSignal | undefined): Promise<void> {
  const timeout = AbortSignal.timeout(5_000);
  try {
    const response = await fetch(url.replace(/\/+$/, '') + HEARTBEAT_ROUTE, { signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
    await response.arrayBuffer();
    if (response.ok) return;
    throw new Error(`HTTP ${response.status} from ${HEARTBEAT_ROUTE} (a Chroma 1.x server answers it)`);
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    throw new VectorStoreError('unavailable', `The Chroma server at ${url} (CHROMA_URL) does not answer: ${(error as Error).message}`, { cause: error });
  }
}

export async function openVectorStore(options: OpenVectorStoreOptions): Promise<OpenedVectorStore> {
  const chromaUrl = options.chromaUrl?.trim();
  let server: ChromaServer | undefined;
  let url: string;
  let claim: ServerClaim | undefined;
  if (chromaUrl) {
    await checkExternal(chromaUrl, options.signal);
    url = chromaUrl;
  } else if ((claim = await claimServer(options.dataFolder, { signal: options.signal })).owned) {
    const ownedClaim = claim;
    try {
      server = await startChromaServer({
        dataFolder: options.dataFolder,
        ...(options.log ? { log: options.log } : {}),
        ...(options.onServerEvent ? { onEvent: options.onServerEvent } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      });
    } catch (error) {
      ownedClaim.release();
      throw error;
    }
    ownedClaim.publish(server.url);
    url = server.url;
  } else {
    // Another persona process runs the embedded server on this folder: share it.
    await checkExternal(claim.url, options.signal);
    url = claim.url;
  }
  const embedded = server;
  const store = createChromaVectorStore({
    url,
    ...(embedded ? { waitForServer: (signal?: AbortSignal) => embedded.ready(signal ? { signal } : {}) } : {}),
  });
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      await store.close();
      await embedded?.close();
      if (claim?.owned) claim.release();
    })();
    return closing;
  };
  return {
    url,
    server: embedded,
    collection: (name, dimensions) => store.collection(name, dimensions),
    deleteCollection: (name) => store.deleteCollection(name),
    close,
    [Symbol.asyncDispose]: close,
  };
}
