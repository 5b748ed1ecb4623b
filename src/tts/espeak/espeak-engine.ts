/**
 * The embedded TTS engine: `espeak-ng` as a child process. The text goes in on stdin (never
 * argv: no shell, no option injection, no argument-length limit); a streaming WAV comes out
 * on stdout, is parsed as it arrives, resampled from espeak's 22,050 Hz to the requested
 * rate, and yielded chunk by chunk. An abort kills the process and ends the stream quietly;
 * the process is always reaped before the stream ends.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { ConfigError } from '../../errors.js';
import { TtsError, type AudioChunk, type SynthesizeOptions, type TtsEngine, type TtsEngineCapabilities } from '../tts-engine.js';
import { createLinearResampler } from './linear-resampler.js';
import { createWavStreamParser } from './wav-stream-parser.js';

export interface EspeakEngineOptions {
  /** The espeak-ng executable (default `espeak-ng` on PATH). */
  binary?: string;
  /** Default voice (default `en-us`); `synthesize` may pass another. */
  voice?: string;
  /** Speaking rate (default 165). */
  wordsPerMinute?: number;
  /** The sample rate of the chunks yielded (default 16000). */
  sampleRate?: number;
}

export interface EspeakEngine extends TtsEngine {
  readonly id: 'espeak';
  /** Ids of the espeak-ng processes running now (for diagnostics and tests). */
  readonly processIds: readonly number[];
}

/** espeak voice names: `en-us`, `ta`, `mb/mb-en1`, `en+f3`; never an option. */
const voicePattern = /^[A-Za-z0-9][A-Za-z0-9_+./-]*$/;

export function createEspeakEngine(options: EspeakEngineOptions = {}): EspeakEngine {
  const binary = options.binary ?? 'espeak-ng';
  const defaultVoice = options.voice ?? 'en-us';
  const wordsPerMinute = options.wordsPerMinute ?? 165;
  const sampleRate = options.sampleRate ?? 16000;
  if (!Number.isInteger(sampleRate) || sampleRate < 1000 || sampleRate > 192000) {
    throw new ConfigError(`espeak: sampleRate must be an integer from 1000 to 192000, got ${sampleRate}`);
  }
  if (!Number.isFinite(wordsPerMinute) || wordsPerMinute < 80 || wordsPerMinute > 500) {
    throw new ConfigError(`espeak: wordsPerMinute must be from 80 to 500, got ${wordsPerMinute}`);
  }
  if (!voicePattern.test(defaultVoice)) throw new ConfigError(`espeak: voice is not a voice name: ${JSON.stringify(defaultVoice)}`);

  const capabilities: TtsEngineCapabilities = { streaming: true, cloning: false, sampleRate };
  const running = new Set<ChildProcessWithoutNullStreams>();
  let closed = false;

  async function* synthesize(text: string, synthesizeOptions: SynthesizeOptions = {}): AsyncGenerator<AudioChunk> {
    const { signal } = synthesizeOptions;
    const voice = synthesizeOptions.voice ?? defaultVoice;
    if (closed) throw new TtsError('service-unavailable', 'espeak: the engine is closed');
    if (!voicePattern.test(voice)) throw new TtsError('input-unsupported', `espeak: voice is not a voice name: ${JSON.stringify(voice)}`);
    if (text.trim() === '' || signal?.aborted) return;

    const child = spawn(binary, ['--stdout', '-v', voice, '-s', String(Math.round(wordsPerMinute)), '--stdin'], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const exited = once(child, 'close').then(([code, signalName]) => ({ code: code as number | null, signalName: signalName as NodeJS.Signals | null }), () => ({ code: null, signalName: null }));
    try {
      await once(child, 'spawn');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'EACCES') {
        throw new TtsError(
          'service-unavailable',
          `espeak: cannot run ${JSON.stringify(binary)} (${code}); install espeak-ng (Debian/Ubuntu: apt-get install espeak-ng) or set the binary path`,
          { cause: error },
        );
      }
      throw new TtsError('service-unavailable', `espeak: cannot start ${JSON.stringify(binary)}`, { cause: error });
    }

    running.add(child);
    const kill = () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    };
    signal?.addEventListener('abort', kill, { once: true });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (data: string) => {
      if (stderr.length < 4000) stderr += data;
    });
    // A killed process closes stdin under us: EPIPE is expected then, not an error.
    child.stdin.on('error', () => undefined);
    child.stdin.end(text.endsWith('\n') ? text : `${text}\n`, 'utf8');

    const parser = createWavStreamParser(`espeak (${binary})`);
    let resampler: ReturnType<typeof createLinearResampler> | undefined;
    try {
      for await (const bytes of child.stdout as AsyncIterable<Buffer>) {
        if (signal?.aborted) return;
        const samples = parser.push(bytes);
        if (samples.length === 0) continue;
        resampler ??= createLinearResampler(parser.format!.sampleRate, sampleRate);
        const pcm = resampler.push(samples);
        if (pcm.length > 0) yield { pcm, sampleRate };
        if (signal?.aborted) return;
      }
      const { code, signalName } = await exited;
      if (signal?.aborted || closed) return;
      if (code !== 0) {
        throw new TtsError(
          'service-unavailable',
          `espeak: ${binary} failed (${signalName ?? `exit ${code}`})${stderr.trim() ? `: ${stderr.trim()}` : ''}`,
        );
      }
    } finally {
      signal?.removeEventListener('abort', kill);
      kill();
      await exited; // reaped: no zombie outlives the stream
      running.delete(child);
    }
  }

  return {
    id: 'espeak',
    capabilities,
    get processIds() {
      return [...running].flatMap((child) => (child.pid === undefined ? [] : [child.pid]));
    },
    synthesize,
    async close() {
      closed = true;
      const children = [...running];
      for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await Promise.all(children.map((child) => (child.exitCode === null && child.signalCode === null ? once(child, 'close').catch(() => undefined) : undefined)));
    },
  };
}
