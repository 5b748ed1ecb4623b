/**
 * The embedded Chroma server as a resource: the `chroma run` CLI of the installed
 * `chromadb` package in a child process, watched and restarted when it dies, stopped
 * by `close()`, and never left running after this process ends.
 *
 * Facts about chromadb 3.5 this relies on (checked against the installed package):
 * - `chroma run` runs the Rust server inside Node through a native binding whose call
 *   never returns: the child's JavaScript main thread is blocked for the server's life.
 * - Readiness is `GET /api/v2/heartbeat` (the v1 routes answer 410 Gone).
 * - A taken port is reported on stderr ("Address … is not available") with exit code 0,
 *   so the exit code cannot tell a failed start from a clean one.
 * - Records survive SIGKILL: writes go to SQLite before the server answers.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { resolveChromaCli } from './chroma-cli.js';
import { findFreePort, isPortFree } from './free-port.js';
import { CHILD_BOOTSTRAP, track, untrack } from './child-lifeline.js';
import { settlesWithin } from '../../settles-within.js';
import { HEARTBEAT_ROUTE, heartbeat } from './heartbeat.js';
import { describeExit, describeTail, readLines, type ExitInfo } from './server-output.js';
import { VectorStoreError } from './vector-store-error.js';
import { sleep } from '../../abortable-sleep.js';


export type ChromaServerEvent =
  | { type: 'started'; pid: number; url: string; startupMs: number; restart: boolean }
  | { type: 'exited'; pid: number; code: number | null; signal: NodeJS.Signals | null; expected: boolean }
  | { type: 'restarting'; attempt: number; delayMs: number }
  | { type: 'failed'; error: VectorStoreError }
  | { type: 'closed' };

export type ChromaServerState = 'running' | 'restarting' | 'failed' | 'closed';

export interface ChromaServerOptions {
  /** Where Chroma keeps its SQLite file and index segments; created if missing. */
  dataFolder: string;
  host?: string;
  /** A free port is picked when absent. */
  port?: number;
  /** One line at a time: the server's own output and the manager's notes. */
  log?: (line: string) => void;
  onEvent?: (event: ChromaServerEvent) => void;
  /** Aborts the start only; once started, the server lives until `close()`. */
  signal?: AbortSignal;
  /** How long one start may take to answer the heartbeat. */
  startTimeoutMs?: number;
  /** Consecutive quick deaths (or failed restarts) tolerated before giving up. */
  maxRapidFailures?: number;
  /** A server that ran at least this long before dying starts a fresh failure count. */
  rapidFailureWindowMs?: number;
  /** How long `close()` waits after SIGTERM before SIGKILL. */
  closeGraceMs?: number;
}

export interface ChromaServer extends AsyncDisposable {
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly dataFolder: string;
  /** The running child's pid; undefined between a crash and its restart, and after close. */
  readonly pid: number | undefined;
  readonly state: ChromaServerState;
  /** How many times the server was restarted after dying. */
  readonly restarts: number;
  /** Milliseconds from spawn to the first heartbeat, for the latest start. */
  readonly startupMs: number;
  /** Resolves once the server answers (at once while running); rejects if it gave up or was closed. */
  ready(options?: { signal?: AbortSignal }): Promise<void>;
  /** Stops the server (SIGTERM, then SIGKILL after a grace period). Safe to call again. */
  close(): Promise<void>;
}


/** One child process: a start, or a restart. */
interface Generation {
  child: ChildProcess;
  pid: number;
  /** Resolves once the process is gone and its output is read to the end. */
  exited: Promise<ExitInfo>;
  exitInfo: ExitInfo | undefined;
  /** The last lines the server wrote to stderr, for error messages. */
  stderrTail: string[];
  readyAt: number;
}

const STDERR_TAIL_LINES = 20;
const BACKTRACE_FRAME = /^(\d+: |at )/;
const BACKOFF_FIRST_MS = 200;
const BACKOFF_MAX_MS = 5_000;

function urlHost(host: string): string {
  // A wildcard bind is reached through loopback; IPv6 literals need brackets in a URL.
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

export async function startChromaServer(options: ChromaServerOptions): Promise<ChromaServer> {
  const host = options.host ?? '127.0.0.1';
  const dataFolder = path.resolve(options.dataFolder);
  const startTimeoutMs = options.startTimeoutMs ?? 30_000;
  const maxRapidFailures = options.maxRapidFailures ?? 5;
  const rapidFailureWindowMs = options.rapidFailureWindowMs ?? 30_000;
  const closeGraceMs = options.closeGraceMs ?? 5_000;
  const log = options.log ?? ((): void => {});
  const emit = (event: ChromaServerEvent): void => {
    try {
      options.onEvent?.(event);
    } catch (error) {
      // A listener's bug must not stop the supervision of a live process.
      log(`chroma: an onEvent listener threw on '${event.type}': ${String(error)}`);
    }
  };

  options.signal?.throwIfAborted();
  const cli = resolveChromaCli();
  try {
    mkdirSync(dataFolder, { recursive: true });
  } catch (error) {
    throw new VectorStoreError('server-start', `Cannot create the Chroma data folder ${dataFolder}: ${(error as Error).message}`, { cause: error });
  }

  let port = options.port ?? (await findFreePort(host));
  let url = `http://${urlHost(host)}:${port}`;
  let startupMs = 0;

  function spawnGeneration(): Generation {
    const cliArguments = ['run', '--path', dataFolder, '--host', host, '--port', String(port)];
    const child = cli.isJavaScript
      ? spawn(process.execPath, ['--input-type=module', '--eval', CHILD_BOOTSTRAP, cli.file, ...cliArguments], {
          stdio: ['pipe', 'pipe', 'pipe'],
          // Its own process group: a Ctrl-C at the terminal reaches this process, which
          // closes the server in order, instead of killing Chroma under a running request.
          detached: true,
        })
      : spawn(cli.file, cliArguments, { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    // Only ever held open, never written: its end-of-file is the child's signal to exit.
    child.stdin?.on('error', () => {});
    const generation: Generation = {
      child,
      pid: child.pid ?? -1,
      exited: undefined as unknown as Promise<ExitInfo>,
      exitInfo: undefined,
      stderrTail: [],
      readyAt: 0,
    };
    generation.exited = new Promise<ExitInfo>((resolve) => {
      const settle = (info: ExitInfo): void => {
        untrack(child);
        generation.exitInfo ??= info;
        resolve(generation.exitInfo);
      };
      // 'close' comes after 'exit' and after stdout/stderr end, so the tail is complete.
      child.once('close', (code, signal) => settle({ code, signal }));
      child.once('error', (error) => {
        if (child.pid === undefined) settle({ code: null, signal: null, error });
      });
    });
    if (child.pid !== undefined) track(child);
    readLines(child.stdout, (line) => log(`chroma[${generation.pid}]: ${line}`));
    readLines(child.stderr, (line) => {
      log(`chroma[${generation.pid}]: ${line}`);
      // With RUST_BACKTRACE set, a panic's message is followed by dozens of frames that
      // would push it out of the tail: frames go to the log only.
      if (BACKTRACE_FRAME.test(line)) return;
      generation.stderrTail.push(line);
      if (generation.stderrTail.length > STDERR_TAIL_LINES) generation.stderrTail.shift();
    });
    return generation;
  }

  async function stopGeneration(generation: Generation): Promise<void> {
    const { child } = generation;
    // Keep this process alive until the child is really gone.
    child.ref();
    if (generation.exitInfo === undefined && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      if (!(await settlesWithin(generation.exited, closeGraceMs))) {
        log(`chroma[${generation.pid}]: no exit ${closeGraceMs} ms after SIGTERM; sending SIGKILL`);
        child.kill('SIGKILL');
      }
    }
    await generation.exited;
  }

  /** Spawns the server and waits for its heartbeat; on any failure the child is gone before this throws. */
  async function launch(signal: AbortSignal | undefined): Promise<Generation> {
    signal?.throwIfAborted();
    // Chroma reports a taken port only on stderr, while a heartbeat would be answered by
    // whoever holds the port: check first so another server is never mistaken for ours.
    let free: boolean;
    try {
      free = await isPortFree(host, port);
    } catch (error) {
      throw new VectorStoreError('server-start', `Cannot start Chroma on ${host}:${port}: ${(error as Error).message}`, { cause: error });
    }
    if (!free) throw new VectorStoreError('server-start', `Cannot start Chroma on ${host}:${port}: the port is taken by another process`);
    const startedAt = performance.now();
    const generation = spawnGeneration();
    const failure = (reason: string): VectorStoreError =>
      new VectorStoreError(
        'server-start',
        `Chroma server (chromadb ${cli.version}, data ${dataFolder}, ${url}) ${reason}.${describeTail(generation.stderrTail)}`,
        { cause: generation.exitInfo?.error },
      );
    let reason: string | undefined;
    try {
      while (reason === undefined) {
        if (generation.exitInfo) {
          reason = `exited before answering ${HEARTBEAT_ROUTE} (${describeExit(generation.exitInfo)})`;
        } else if (performance.now() - startedAt > startTimeoutMs) {
          reason = `did not answer ${HEARTBEAT_ROUTE} within ${startTimeoutMs} ms`;
        } else {
          signal?.throwIfAborted();
          // Answered, and by our child: it is still running once the answer is in.
          if ((await heartbeat(url, 1_000)) && !generation.exitInfo) break;
          await Promise.race([sleep(25), generation.exited]);
        }
      }
    } catch (error) {
      await stopGeneration(generation);
      throw error;
    }
    if (reason !== undefined) {
      // Stopped first, so the message carries everything the child wrote to stderr.
      await stopGeneration(generation);
      throw failure(reason);
    }
    generation.readyAt = performance.now();
    startupMs = generation.readyAt - startedAt;
    // The server alone does not keep this process running; the exit hook and the
    // child's stdin guard stop it when this process ends.
    generation.child.unref();
    for (const stream of [generation.child.stdin, generation.child.stdout, generation.child.stderr]) {
      (stream as unknown as { unref?: () => void } | null)?.unref?.();
    }
    return generation;
  }

  // The first start. A port picked here can be taken by someone else before Chroma binds
  // it; then pick another, a few times.
  let first: Generation | undefined;
  for (let attempt = 1; first === undefined; attempt += 1) {
    try {
      first = await launch(options.signal);
    } catch (error) {
      const portRace = error instanceof VectorStoreError && /port is taken|not available|in use/i.test(error.message);
      if (options.port !== undefined || attempt >= 3 || !portRace) throw error;
      port = await findFreePort(host);
      url = `http://${urlHost(host)}:${port}`;
    }
  }

  let state: ChromaServerState | 'closing' = 'running';
  let current: Generation | undefined = first;
  let restarts = 0;
  let rapidFailures = 0;
  let failed: VectorStoreError | undefined;
  let restartTask: Promise<void> | undefined;
  let restarted: { promise: Promise<void>; resolve: () => void; reject: (error: unknown) => void } | undefined;
  let closing: Promise<void> | undefined;
  const lifetime = new AbortController();
  const closedError = (): VectorStoreError => new VectorStoreError('closed', `The Chroma server at ${url} (data ${dataFolder}) is closed`);

  function countFailure(generation: Generation | undefined): void {
    const ranLong = generation !== undefined && generation.readyAt > 0 && performance.now() - generation.readyAt >= rapidFailureWindowMs;
    rapidFailures = ranLong ? 1 : rapidFailures + 1;
  }

  function watch(generation: Generation): void {
    void generation.exited.then((info) => {
      if (current !== generation) return;
      current = undefined;
      const expected = lifetime.signal.aborted;
      emit({ type: 'exited', pid: generation.pid, code: info.code, signal: info.signal, expected });
      if (expected) return;
      log(`chroma: server pid ${generation.pid} died (${describeExit(info)}); restarting it on ${url}.${describeTail(generation.stderrTail)}`);
      countFailure(generation);
      restartTask = superviseRestart(generation.stderrTail);
    });
  }

  async function superviseRestart(lastTail: readonly string[]): Promise<void> {
    state = 'restarting';
    let resolve!: () => void;
    let reject!: (error: unknown) => void;
    const promise = new Promise<void>((onResolve, onReject) => {
      resolve = onResolve;
      reject = onReject;
    });
    // Nobody may be waiting: a rejection with no listener must not crash the process.
    promise.catch(() => {});
    restarted = { promise, resolve, reject };
    let lastError: unknown;
    for (;;) {
      if (rapidFailures > maxRapidFailures) {
        const detail = lastError instanceof Error ? ` Last attempt: ${lastError.message}` : describeTail(lastTail);
        failed = new VectorStoreError(
          'server-failed',
          `The Chroma server at ${url} (data ${dataFolder}) died ${rapidFailures} times in quick succession; gave up restarting it.${detail}`,
          { cause: lastError },
        );
        state = 'failed';
        log(`chroma: ${failed.message}`);
        emit({ type: 'failed', error: failed });
        reject(failed);
        return;
      }
      const delayMs = Math.min(BACKOFF_FIRST_MS * 2 ** (rapidFailures - 1), BACKOFF_MAX_MS);
      emit({ type: 'restarting', attempt: rapidFailures, delayMs });
      try {
        await sleep(delayMs, lifetime.signal);
        const generation = await launch(lifetime.signal);
        if (lifetime.signal.aborted) {
          // close() came while this start was finishing: it is waiting for this task.
          await stopGeneration(generation);
          return;
        }
        current = generation;
        state = 'running';
        restarts += 1;
        watch(generation);
        log(`chroma: restarted as pid ${generation.pid} on ${url} in ${Math.round(startupMs)} ms`);
        emit({ type: 'started', pid: generation.pid, url, startupMs, restart: true });
        resolve();
        return;
      } catch (error) {
        // close() settles the waiters itself.
        if (lifetime.signal.aborted) return;
        lastError = error;
        countFailure(undefined);
        log(`chroma: restart attempt failed: ${(error as Error).message}`);
      }
    }
  }

  watch(first);
  log(`chroma: started pid ${first.pid} on ${url} (data ${dataFolder}) in ${Math.round(startupMs)} ms`);
  emit({ type: 'started', pid: first.pid, url, startupMs, restart: false });

  const close = (): Promise<void> => {
    closing ??= (async () => {
      state = 'closing';
      lifetime.abort(closedError());
      restarted?.reject(closedError());
      await restartTask;
      const generation = current;
      if (generation) await stopGeneration(generation);
      current = undefined;
      state = 'closed';
      log(`chroma: stopped the server on ${url}`);
      emit({ type: 'closed' });
    })();
    return closing;
  };

  return {
    get url() {
      return url;
    },
    host,
    get port() {
      return port;
    },
    dataFolder,
    get pid() {
      return current?.pid;
    },
    get state(): ChromaServerState {
      return state === 'closing' ? 'closed' : state;
    },
    get restarts() {
      return restarts;
    },
    get startupMs() {
      return startupMs;
    },
    async ready({ signal }: { signal?: AbortSignal } = {}) {
      signal?.throwIfAborted();
      if (state === 'running') return;
      if (state === 'failed') throw failed;
      if (state === 'closing' || state === 'closed' || !restarted) throw closedError();
      if (!signal) return restarted.promise;
      const aborted = new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }));
      return Promise.race([restarted.promise, aborted]);
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}
