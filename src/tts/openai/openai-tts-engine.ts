/**
 * A TTS engine on any OpenAI-compatible `/v1/audio/speech` server (OpenAI, Kokoro-FastAPI,
 * openedai-speech, …): one POST `{model, input, voice, response_format: 'pcm'}` per text,
 * whose body (raw 24 kHz PCM16 little-endian) is yielded as it arrives. A server that refuses
 * `pcm` is asked again for `wav` (and from then on, for this engine), parsed as a stream and
 * resampled to 24 kHz; a server that ignores the format and sends a WAV anyway is recognised
 * by its RIFF header. Errors name the URL, the status and the server's own message; a 5xx,
 * a 429, a refused connection, a stream cut mid-way and a silent server are retryable. An
 * abort cancels the request (closing the connection, so the server stops) and ends quietly.
 */
import { ConfigError, describeError } from '../../errors.js';
import { serverErrorMessage } from '../../llm/openai/openai-engine-error.js';
import { createLinearResampler, type LinearResampler } from '../espeak/linear-resampler.js';
import { createWavStreamParser, type WavStreamParser } from '../espeak/wav-stream-parser.js';
import { TtsError, type AudioChunk, type SynthesizeOptions, type TtsEngine, type TtsEngineCapabilities } from '../tts-engine.js';
import { createPcmByteJoiner } from './pcm-byte-joiner.js';
import { speechUrl } from './speech-url.js';
import { readErrorBody } from '../../http/read-error-body.js';
import { watchRequest } from '../../http/watched-request.js';

export interface OpenAiTtsEngineOptions {
  /** The server, e.g. `http://127.0.0.1:8880` (`/v1` and `/v1/audio/speech` are accepted too). */
  url: string;
  /** Sent as `Authorization: Bearer …`. */
  apiKey?: string;
  /** The model name the server serves (`tts-1`, `kokoro`, …). */
  model: string;
  /** The voice when `synthesize` names none (default `alloy`, which every compatible server knows). */
  voice?: string;
  /** How long the server may stay silent, before answering and between chunks (default 60 s). */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

export type SpeechResponseFormat = 'pcm' | 'wav';

export interface OpenAiTtsEngine extends TtsEngine {
  readonly id: 'openai';
  readonly url: string;
  /** `pcm` until the server refuses it, then `wav`. */
  readonly responseFormat: SpeechResponseFormat;
}

/** OpenAI's `pcm` format is fixed at 24 kHz; WAV answers are resampled to it. */
export const openAiSpeechSampleRate = 24000;
const defaultTimeoutMs = 60_000;
const maxErrorBodyBytes = 16 * 1024;

export function createOpenAiTtsEngine(options: OpenAiTtsEngineOptions): OpenAiTtsEngine {
  const url = speechUrl(options.url);
  if (!options.model.trim()) throw new ConfigError('The openai TTS engine needs the model name the server serves (tts.apiModel, PERSONA_TTS_API_MODEL)');
  const defaultVoice = options.voice ?? 'alloy';
  const timeoutMs = options.timeoutMs ?? defaultTimeoutMs;
  const fetchImplementation = options.fetch ?? globalThis.fetch;
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'audio/pcm, audio/wav, application/octet-stream' };
  if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`;
  const capabilities: TtsEngineCapabilities = { streaming: true, cloning: false, sampleRate: openAiSpeechSampleRate };
  const inFlight = new Set<AbortController>();
  let responseFormat: SpeechResponseFormat = 'pcm';
  let closed = false;

  async function* synthesize(text: string, synthesizeOptions: SynthesizeOptions = {}): AsyncGenerator<AudioChunk> {
    const { signal } = synthesizeOptions;
    const voice = synthesizeOptions.voice ?? defaultVoice;
    if (closed) throw new TtsError('service-unavailable', `openai tts (${url}): the engine is closed`);
    if (signal?.aborted || text.trim() === '') return;

    const request = watchRequest(signal, timeoutMs, inFlight);
    const endedByUs = (): boolean => signal?.aborted === true || closed;
    const transportError = (error: unknown, moment: 'before answering' | 'mid-stream'): TtsError =>
      request.timedOut
        ? new TtsError('service-unavailable', `openai tts: the speech server at ${url} sent nothing for ${timeoutMs} ms ${moment}`, { cause: error, retryable: true })
        : new TtsError('service-unavailable', `openai tts: ${moment === 'before answering' ? 'cannot reach' : 'the stream was cut by'} the speech server at ${url}: ${networkReason(error)}`, {
            cause: error,
            retryable: true,
          });

    let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
    let readToEnd = false;
    try {
      let response: Response | undefined;
      let format = responseFormat;
      for (;;) {
        request.restartSilenceTimer();
        try {
          response = await fetchImplementation(url, {
            method: 'POST',
            headers,
            body: JSON.stringify({ model: options.model, input: text, voice, response_format: format }),
            signal: request.signal,
          });
        } catch (error) {
          if (endedByUs()) return;
          throw transportError(error, 'before answering');
        }
        if (response.ok) break;
        const body = await readErrorBody(response, maxErrorBodyBytes);
        if (endedByUs()) return;
        if (format === 'pcm' && refusesPcm(response.status, body)) {
          format = 'wav';
          responseFormat = 'wav';
          continue;
        }
        throw statusError(url, response.status, body, format, voice);
      }
      if (!response.body) throw new TtsError('service-unavailable', `openai tts: the speech server at ${url} answered ${response.status} without a body`, { retryable: true });

      const bodyReader = response.body.getReader();
      reader = bodyReader;
      const pcm = createPcmByteJoiner();
      let wav: { parser: WavStreamParser; resampler?: LinearResampler } | undefined;
      let decided = format === 'wav';
      if (decided) wav = { parser: createWavStreamParser(`openai tts (${url})`) };
      let head: Uint8Array = new Uint8Array(0);
      for (;;) {
        let chunk: Awaited<ReturnType<typeof bodyReader.read>>;
        try {
          chunk = await bodyReader.read();
        } catch (error) {
          if (endedByUs()) return;
          throw transportError(error, 'mid-stream');
        }
        if (chunk.done) {
          readToEnd = true;
          if (!decided && head.length > 0) yield* emit(pcm.push(head));
          return;
        }
        request.stopSilenceTimer();
        let bytes: Uint8Array = chunk.value;
        if (!decided) {
          // A server that ignores response_format may send a WAV: its first 4 bytes tell.
          head = concatBytes(head, bytes);
          if (head.length < 4) {
            request.restartSilenceTimer();
            continue;
          }
          decided = true;
          if (String.fromCharCode(...head.subarray(0, 4)) === 'RIFF') wav = { parser: createWavStreamParser(`openai tts (${url})`) };
          bytes = head;
        }
        let samples: Int16Array;
        if (wav) {
          samples = wav.parser.push(bytes);
          if (samples.length > 0) {
            wav.resampler ??= createLinearResampler(wav.parser.format!.sampleRate, openAiSpeechSampleRate);
            samples = wav.resampler.push(samples);
          }
        } else {
          samples = pcm.push(bytes);
        }
        yield* emit(samples);
        if (endedByUs()) return;
        request.restartSilenceTimer();
      }
    } finally {
      request.release(!readToEnd);
      // Whatever ended the stream early, cancelling closes the connection so the server stops too.
      if (!readToEnd) {
        await reader?.cancel().catch(() => undefined);
      }
    }
  }

  function* emit(samples: Int16Array): Generator<AudioChunk> {
    if (samples.length > 0) yield { pcm: samples, sampleRate: openAiSpeechSampleRate };
  }

  return {
    id: 'openai',
    url,
    capabilities,
    get responseFormat() {
      return responseFormat;
    },
    synthesize,
    async close() {
      closed = true;
      for (const controller of inFlight) controller.abort();
    },
  };
}

/** A 4xx that blames the format (`pcm` unsupported), rather than the key, the model or the text. */
function refusesPcm(status: number, body: string): boolean {
  if (status < 400 || status >= 500 || status === 401 || status === 403 || status === 429) return false;
  return /pcm|response_format|format/i.test(body);
}

function statusError(url: string, status: number, body: string, format: SpeechResponseFormat, voice: string): TtsError {
  const reason = snippet(serverErrorMessage(body));
  const message = `openai tts: the speech server at ${url} answered ${status}${reason ? `: ${reason}` : ''} (voice ${JSON.stringify(voice)}, format ${format})`;
  if (status === 429 || status >= 500) return new TtsError('service-unavailable', message, { retryable: true });
  if (status === 401 || status === 403 || status === 404) return new TtsError('config-invalid', message);
  return new TtsError('input-unsupported', message);
}

function snippet(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}

/** undici puts the system error (ECONNREFUSED, …) in `cause`, sometimes one level deeper. */
function networkReason(error: unknown): string {
  for (let current = error, depth = 0; current && depth < 4; current = (current as { cause?: unknown }).cause, depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (code === 'ECONNREFUSED') return 'connection refused (is the server running, on that port?)';
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'unknown host';
    if (typeof code === 'string' && code !== 'UND_ERR_SOCKET') return code;
  }
  return describeError((error as { cause?: unknown })?.cause ?? error);
}

function concatBytes(first: Uint8Array, second: Uint8Array): Uint8Array {
  if (first.length === 0) return second;
  const joined = new Uint8Array(first.length + second.length);
  joined.set(first);
  joined.set(second, first.length);
  return joined;
}
