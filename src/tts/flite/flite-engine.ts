/**
 * An embedded TTS engine: CMU flite (Debian `flite`) as child processes. What streams, as
 * measured: flite speaks its `-t` text as one utterance and writes the WAV only once all of
 * it is made, and it cannot write to Node's stdout pipe at all (`-o /dev/stdout` fails on a
 * socket, still exiting 0). So the text is cut into sentence-sized pieces
 * (`utterance-pieces.ts`), each piece is one flite run into a temporary WAV file, and each
 * piece's audio is yielded as soon as its run ends: the first sentence is heard while the
 * rest is still text (slt: ~60 ms to the first audio, ~60x real time on 2 cores). The text goes in
 * argv right after `-t`, which flite always takes as text (a leading dash is spoken, never
 * parsed as an option), with no shell. Audio is resampled from the voice's rate (kal: 8 kHz,
 * the others 16 kHz) to the engine's rate. An abort kills the running process and ends the
 * stream quietly; every process is reaped and every temporary file removed before it ends.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError } from '../../errors.js';
import { privateTemporaryFolder } from '../../private-temporary-folder.js';
import { createLinearResampler, type LinearResampler } from '../espeak/linear-resampler.js';
import { createWavStreamParser } from '../espeak/wav-stream-parser.js';
import { TtsError, type AudioChunk, type SynthesizeOptions, type TtsEngine, type TtsEngineCapabilities } from '../tts-engine.js';
import { fliteStartError, listFliteVoices } from './flite-voices.js';
import { utterancePieces } from './utterance-pieces.js';

export interface FliteEngineOptions {
  /** The flite executable (default `flite` on PATH). */
  binary?: string;
  /** Default voice (default `slt`, the clearest of Debian's built-in voices); `synthesize` may pass another. */
  voice?: string;
  /** The sample rate of the chunks yielded (default 16000). */
  sampleRate?: number;
}

export interface FliteEngine extends TtsEngine {
  readonly id: 'flite';
  /** Ids of the flite processes running now (for diagnostics and tests). */
  readonly processIds: readonly number[];
  /** The voices this flite has (`flite -lv`, limited-domain voices left out). */
  voices(): Promise<string[]>;
}

export function createFliteEngine(options: FliteEngineOptions = {}): FliteEngine {
  const binary = options.binary ?? 'flite';
  const defaultVoice = options.voice ?? 'slt';
  const sampleRate = options.sampleRate ?? 16000;
  if (!Number.isInteger(sampleRate) || sampleRate < 1000 || sampleRate > 192000) {
    throw new ConfigError(`flite: sampleRate must be an integer from 1000 to 192000, got ${sampleRate}`);
  }

  const capabilities: TtsEngineCapabilities = { streaming: true, cloning: false, sampleRate };
  const running = new Set<ChildProcess>();
  let knownVoices: Promise<string[]> | undefined;
  let closed = false;

  /** `flite -lv` runs once (a few ms) and is shared; a caller's abort is checked after it. */
  const voices = async (): Promise<string[]> => {
    if (!knownVoices) {
      const listing = listFliteVoices(binary);
      knownVoices = listing;
      // A failed listing (flite missing) is asked again next time: it may be installed by then.
      listing.catch(() => {
        if (knownVoices === listing) knownVoices = undefined;
      });
    }
    return knownVoices;
  };

  /** A built-in voice name, or the path of a `.flitevox` file. */
  const checkVoice = async (voice: string): Promise<void> => {
    if (voice.endsWith('.flitevox') && path.isAbsolute(voice)) {
      if (!existsSync(voice)) throw new TtsError('input-unsupported', `flite: voice file ${voice} does not exist`);
      return;
    }
    const known = await voices();
    if (!known.includes(voice)) {
      throw new TtsError('input-unsupported', `flite: unknown voice ${JSON.stringify(voice)}; this flite has: ${known.join(', ')} (or give the absolute path of a .flitevox file)`);
    }
  };

  /** Runs flite on one piece into `file`; resolves with its samples at the voice's own rate, or undefined on abort. */
  async function speakPiece(piece: string, voice: string, file: string, signal: AbortSignal | undefined): Promise<{ samples: Int16Array; rate: number } | undefined> {
    // The answer goes in a 0600 file, never on the command line, where any local user reads it with `ps`.
    // (Not stdin: flite opens its input by name, and Node's stdin pipe cannot be opened as /dev/stdin.)
    const textFile = `${file}.txt`;
    await writeFile(textFile, piece, { mode: 0o600 });
    const child = spawn(binary, ['-voice', voice, '-o', file, '-f', textFile], { stdio: ['ignore', 'ignore', 'pipe'] });
    const exited = once(child, 'close').then(
      ([code, signalName]) => ({ code: code as number | null, signalName: signalName as NodeJS.Signals | null }),
      () => ({ code: null, signalName: null }),
    );
    try {
      await once(child, 'spawn');
    } catch (error) {
      throw fliteStartError(binary, error as NodeJS.ErrnoException);
    }
    running.add(child);
    const kill = (): void => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    };
    signal?.addEventListener('abort', kill, { once: true });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (data: string) => {
      if (stderr.length < 4000) stderr += data;
    });
    try {
      const { code, signalName } = await exited;
      if (signal?.aborted || closed) return undefined;
      const detail = stderr.trim() ? `: ${stderr.trim()}` : '';
      if (code !== 0) throw new TtsError('service-unavailable', `flite: ${binary} failed (${signalName ?? `exit ${code}`})${detail}`);
      // flite exits 0 even when it could not write its output file; the file tells.
      let bytes: Buffer;
      try {
        bytes = await readFile(file);
      } catch (error) {
        throw new TtsError('service-unavailable', `flite: ${binary} wrote no audio for ${JSON.stringify(piece.slice(0, 80))}${detail}`, { cause: error });
      }
      const parser = createWavStreamParser(`flite (${binary})`);
      const samples = parser.push(bytes);
      return { samples, rate: parser.format?.sampleRate ?? sampleRate };
    } finally {
      signal?.removeEventListener('abort', kill);
      kill();
      await exited; // reaped: no zombie outlives the stream
      running.delete(child);
      await Promise.all([rm(file, { force: true }), rm(textFile, { force: true })]);
    }
  }

  async function* synthesize(text: string, synthesizeOptions: SynthesizeOptions = {}): AsyncGenerator<AudioChunk> {
    const { signal } = synthesizeOptions;
    const voice = synthesizeOptions.voice ?? defaultVoice;
    if (closed) throw new TtsError('service-unavailable', 'flite: the engine is closed');
    if (signal?.aborted) return;
    await checkVoice(voice);
    if (signal?.aborted) return;
    let resampler: LinearResampler | undefined;
    let sourceRate: number | undefined;
    // Inside this process's private folder (0700, tmpfs where there is one): a killed process's
    // leftovers are removed at the next start, and no other user can read the text or the audio.
    const folder = await mkdtemp(path.join(privateTemporaryFolder('flite'), 'utterance-'));
    try {
      for (const [index, piece] of utterancePieces(text).entries()) {
        const spoken = await speakPiece(piece, voice, path.join(folder, `piece-${index}.wav`), signal);
        if (!spoken || signal?.aborted || closed) return;
        // One resampler across pieces keeps its position exact; every piece of one voice has one rate.
        if (spoken.rate !== sourceRate) {
          resampler = createLinearResampler(spoken.rate, sampleRate);
          sourceRate = spoken.rate;
        }
        const pcm = resampler!.push(spoken.samples);
        if (pcm.length > 0) yield { pcm, sampleRate };
        if (signal?.aborted) return;
      }
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  }

  return {
    id: 'flite',
    capabilities,
    get processIds() {
      return [...running].flatMap((child) => (child.pid === undefined ? [] : [child.pid]));
    },
    voices,
    synthesize,
    async close() {
      closed = true;
      const children = [...running];
      for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await Promise.all(children.map((child) => (child.exitCode === null && child.signalCode === null ? once(child, 'close').catch(() => undefined) : undefined)));
    },
  };
}
