/**
 * One `pocketsphinx_continuous` process reading raw PCM16 from stdin: spawned ahead of
 * use so its models are loaded when the utterance starts, used for exactly one utterance.
 * It prints one hypothesis line per stretch of speech its own VAD finds, and the last one
 * when stdin ends, then exits.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { SttError } from '../stt-engine.js';

export interface DecoderFiles {
  binary: string;
  acousticModel: string;
  dictionary: string;
  languageModel: string;
  extraArguments: readonly string[];
}

export type DecoderEvent =
  | { type: 'line'; text: string }
  | { type: 'exit'; code: number | null; signal: NodeJS.Signals | null }
  | { type: 'error'; error: Error };

const stderrTailBytes = 2000;

export interface DecoderProcess {
  readonly pid: number | undefined;
  /** Whether the process has exited (or failed to start). */
  readonly exited: boolean;
  /** Writes PCM; resolves when the pipe can take more (back-pressure). */
  write(pcm: Buffer): Promise<void>;
  endInput(): void;
  /** The next event; after `exit`/`error`, the same final event again. */
  next(): Promise<DecoderEvent>;
  /** The last lines the decoder wrote to stderr, for error messages. */
  stderrTail(): string;
  kill(): void;
  /** Keeps (true) or stops (false) an idle warm process from holding the event loop open. */
  hold(held: boolean): void;
}

export function startDecoder(files: DecoderFiles): DecoderProcess {
  // Node's stdio pipes are socket pairs, which the decoder cannot fopen as /dev/stdin; a
  // shell pipeline gives it a real pipe. Its own process group lets kill() reach both.
  const child: ChildProcessWithoutNullStreams = spawn(
    '/bin/sh',
    [
      '-c',
      'cat | exec "$0" "$@"',
      files.binary,
      '-infile', '/dev/stdin', '-hmm', files.acousticModel, '-dict', files.dictionary, '-lm', files.languageModel,
      ...files.extraArguments,
    ],
    { stdio: ['pipe', 'pipe', 'pipe'], detached: true },
  );
  const queue: DecoderEvent[] = [];
  let waiter: ((event: DecoderEvent) => void) | undefined;
  let final: DecoderEvent | undefined;
  let stderr = '';
  let exited = false;

  const push = (event: DecoderEvent): void => {
    if (final) return;
    if (event.type !== 'line') {
      final = event;
      exited = true;
    }
    if (waiter) {
      const resolve = waiter;
      waiter = undefined;
      resolve(event);
    } else queue.push(event);
  };

  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (text: string) => {
    stderr = (stderr + text).slice(-stderrTailBytes * 4);
  });
  const lines = createInterface({ input: child.stdout });
  lines.on('line', (line) => {
    const text = line.trim();
    if (text) push({ type: 'line', text });
  });
  // 'close' waits for stdout to drain, so every line is queued before the exit.
  child.on('close', (code, signal) => push({ type: 'exit', code, signal }));
  child.on('error', (error) => push({ type: 'error', error }));
  // A decoder that died closes its stdin; the exit event reports it, not the write.
  child.stdin.on('error', () => undefined);

  return {
    get pid() {
      return child.pid;
    },
    get exited() {
      return exited;
    },
    write(pcm) {
      if (exited || child.stdin.destroyed || child.stdin.writableEnded) return Promise.resolve();
      return new Promise((resolve) => {
        if (child.stdin.write(pcm)) resolve();
        else {
          const done = (): void => {
            child.stdin.off('drain', done);
            child.off('close', done);
            resolve();
          };
          child.stdin.once('drain', done);
          child.once('close', done);
        }
      });
    },
    endInput() {
      if (!child.stdin.writableEnded) child.stdin.end();
    },
    next() {
      const queued = queue.shift();
      if (queued) return Promise.resolve(queued);
      if (final) return Promise.resolve(final);
      return new Promise((resolve) => {
        waiter = resolve;
      });
    },
    stderrTail() {
      // The decoder logs its whole configuration first; what matters are its error lines.
      const lines = stderr.split('\n').filter((line) => line.trim());
      const errors = lines.filter((line) => /^(FATAL|ERROR|WARN)|not found|No such/.test(line));
      return (errors.length > 0 ? errors : lines.slice(-5)).join('\n').slice(-stderrTailBytes);
    },
    kill() {
      if (exited || child.pid === undefined) return;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    },
    hold(held) {
      // The stdio pipes are sockets, which Node's stream types do not show.
      for (const handle of [child, child.stdin, child.stdout, child.stderr] as unknown as { ref(): void; unref(): void }[]) {
        if (held) handle.ref();
        else handle.unref();
      }
    },
  };
}

/** The error for a decoder that ended without exit status 0. */
export function decoderFailure(binary: string, event: DecoderEvent, stderrTail: string): SttError {
  if (event.type === 'error') {
    const missing = (event.error as NodeJS.ErrnoException).code === 'ENOENT';
    return new SttError(
      'service-unavailable',
      missing
        ? `the pocketsphinx decoder ${binary} is not installed; install it with apt-get install pocketsphinx pocketsphinx-en-us`
        : `the pocketsphinx decoder ${binary} could not start: ${event.error.message}`,
      { cause: event.error },
    );
  }
  if (event.type === 'exit' && event.code === 127) {
    return new SttError('service-unavailable', `the pocketsphinx decoder ${binary} is not installed; install it with apt-get install pocketsphinx pocketsphinx-en-us`);
  }
  const how = event.type === 'exit' && event.signal ? `was killed by ${event.signal}` : `exited with code ${event.type === 'exit' ? event.code : '?'}`;
  return new SttError('service-unavailable', `the pocketsphinx decoder ${binary} ${how}${stderrTail ? `:\n${stderrTail}` : ' and wrote nothing to stderr'}`, { retryable: true });
}
