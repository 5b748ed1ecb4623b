/**
 * The Python side in tests: the venv that scripts/setup-workers.sh links at workers/.venv, and
 * real worker servers started under uvicorn on a free loopback port. Without the venv a test is
 * skipped with the command that installs it; under CI (CI=true) it fails instead, because the
 * README's test command installs the venv and a silent skip would hide a broken set-up.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { TestContext } from 'node:test';
import { workersFolder } from '../../src/gpu-workers/workers-python.js';

export const repositoryRoot = path.resolve(workersFolder, '..');
/** The venv's interpreter as the product finds it (PERSONA_WORKERS_PYTHON aside). */
export const workersPython = path.join(workersFolder, '.venv/bin/python');

/** True when the venv is there; otherwise skips the test (or throws under CI). */
export function pythonWorkersReady(context: TestContext): boolean {
  if (existsSync(workersPython)) return true;
  const message = 'the Python workers are not installed: run `bash scripts/setup-workers.sh`';
  if (process.env.CI) throw new Error(message);
  context.skip(message);
  return false;
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface PythonRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the venv's python with arguments to completion; rejects on a non-zero exit with its stderr. */
export async function runPython(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<PythonRun> {
  const child = spawn(workersPython, args, {
    cwd: options.cwd ?? repositoryRoot,
    env: { ...process.env, PYTHONUNBUFFERED: '1', HF_HUB_OFFLINE: '1', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 300_000);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearTimeout(timer);
  if (code !== 0) throw new Error(`python ${args.join(' ')} exited ${code}:\n${stderr.slice(-4000)}`);
  return { code, stdout, stderr };
}

export interface WorkerServer {
  url: string;
  process: ChildProcess;
  /** Everything the server printed so far. */
  log(): string;
  close(): Promise<void>;
}

/**
 * Starts `uvicorn MODULE:app` in `workerFolder` with `env` and waits until GET /health answers 200
 * (model loading included), or rejects with the server's output. `port` reuses a closed server's
 * port, to restart "the same" worker under a client that keeps its URL; a free one otherwise.
 */
export async function startWorkerServer(
  context: TestContext,
  options: { workerFolder: string; module?: string; env: NodeJS.ProcessEnv; readyTimeoutMs?: number; port?: number },
): Promise<WorkerServer> {
  const port = options.port ?? (await freePort());
  const child = spawn(
    workersPython,
    ['-m', 'uvicorn', `${options.module ?? 'server'}:app`, '--host', '127.0.0.1', '--port', String(port), '--workers', '1'],
    {
      cwd: options.workerFolder,
      env: { ...process.env, PYTHONUNBUFFERED: '1', HF_HUB_OFFLINE: '1', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    },
  );
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const close = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        /* already gone */
      }
      await exited;
    }
  };
  context.after(close);

  const deadline = Date.now() + (options.readyTimeoutMs ?? 120_000);
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`worker exited before it was ready:\n${output.slice(-4000)}`);
    try {
      const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2000) });
      if (response.ok) return { url, process: child, log: () => output, close };
    } catch {
      /* not listening yet */
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await close();
  throw new Error(`worker not ready in time:\n${output.slice(-4000)}`);
}
