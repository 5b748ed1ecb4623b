/**
 * Speech-to-text on any OpenAI-compatible `/v1/audio/transcriptions` server (OpenAI,
 * faster-whisper servers, whisper.cpp's server). The utterance is buffered, sent as one
 * multipart upload of a 16 kHz mono WAV, and the answer's segments become the final. The
 * bias goes in as `prompt` (whisper's initial prompt, so the same glossary as the local
 * whisper engine). `verbose_json` gives segments; servers that only know `json` get a
 * second request with it.
 */
import { concatPcm, encodeWav } from '../../audio/wav-file.js';
import { ConfigError, describeError } from '../../errors.js';
import { SttError, sttSampleRate, type SttEngine, type TranscribeOptions, type TranscriptEvent, type TranscriptSegment } from '../stt-engine.js';
import { buildWhisperPrompt } from '../whisper/whisper-prompt.js';

export interface OpenAiSttEngineOptions {
  /** e.g. `http://127.0.0.1:8000`; a trailing `/v1` (or the full endpoint) is accepted too. */
  baseUrl: string;
  /** The server's model name, e.g. `whisper-1` or `Systran/faster-whisper-small.en`. */
  model: string;
  apiKey?: string;
  /** Longest one request may take (default 120 s). */
  timeoutMs?: number;
  /** ISO 639-1; a request's `language` wins; default none (the server detects it). */
  language?: string;
}

interface VerboseSegment {
  text?: unknown;
  start?: unknown;
  end?: unknown;
}

export function transcriptionsUrl(baseUrl: string): string {
  let parsed: URL;
  try {
    parsed = new URL(baseUrl);
  } catch (error) {
    throw new ConfigError(`The STT server URL "${baseUrl}" (PERSONA_STT_URL) is not a URL`, { cause: error });
  }
  if (!/^https?:$/.test(parsed.protocol)) throw new ConfigError(`The STT server URL "${baseUrl}" (PERSONA_STT_URL) must start with http:// or https://`);
  const base = parsed.href.replace(/\/+$/, '');
  if (/\/audio\/transcriptions$/.test(base)) return base;
  return `${base}${/\/v1$/.test(base) ? '' : '/v1'}/audio/transcriptions`;
}

export function createOpenAiSttEngine(options: OpenAiSttEngineOptions): SttEngine {
  const url = transcriptionsUrl(options.baseUrl);
  const timeoutMs = options.timeoutMs ?? 120_000;

  async function post(wav: Buffer, fields: Record<string, string>, signal: AbortSignal | undefined): Promise<{ status: number; body: string }> {
    const form = new FormData();
    form.append('file', new Blob([wav], { type: 'audio/wav' }), 'utterance.wav');
    for (const [name, value] of Object.entries(fields)) form.append(name, value);
    const timeout = AbortSignal.timeout(timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    try {
      const response = await fetch(url, {
        method: 'POST',
        body: form,
        headers: { accept: 'application/json', ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}) },
        signal: combined,
      });
      return { status: response.status, body: await response.text() };
    } catch (error) {
      if (signal?.aborted) throw error;
      if (timeout.aborted) throw new SttError('service-unavailable', `STT server ${url} did not answer within ${timeoutMs / 1000} s`, { cause: error, retryable: true });
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new SttError('service-unavailable', `STT server ${url} cannot be reached: ${cause?.code ?? cause?.message ?? describeError(error)}`, { cause: error, retryable: true });
    }
  }

  async function* transcribe(audio: AsyncIterable<Float32Array>, request: TranscribeOptions = {}): AsyncGenerator<TranscriptEvent> {
    const { signal } = request;
    const pcm = await collectPcm16(audio, signal);
    if (pcm === undefined || signal?.aborted) return;
    if (pcm.length === 0) {
      yield { type: 'transcript-final', text: '', segments: [] };
      return;
    }
    const wav = encodeWav(pcm, sttSampleRate);
    const fields: Record<string, string> = { model: options.model, response_format: 'verbose_json', temperature: '0' };
    const prompt = buildWhisperPrompt(request.bias);
    if (prompt) fields.prompt = prompt;
    const language = request.language ?? options.language;
    if (language) fields.language = language;

    let answer: { status: number; body: string };
    try {
      answer = await post(wav, fields, signal);
      // Servers without verbose_json refuse it as a bad request; plain json is the common ground.
      if (answer.status === 400 || answer.status === 422) answer = await post(wav, { ...fields, response_format: 'json' }, signal);
    } catch (error) {
      if (signal?.aborted) return;
      throw error;
    }
    if (signal?.aborted) return;
    if (answer.status < 200 || answer.status >= 300) {
      throw new SttError('service-unavailable', `STT server ${url} answered HTTP ${answer.status}: ${snippet(answer.body)}`, {
        retryable: answer.status >= 500 || answer.status === 429 || answer.status === 408,
      });
    }
    yield { type: 'transcript-final', ...parseTranscription(answer.body, url) };
  }

  return {
    id: 'openai',
    capabilities: { partials: false, biasing: true },
    transcribe,
    close: async () => undefined,
  };
}

function parseTranscription(body: string, url: string): { text: string; segments: TranscriptSegment[] } {
  let parsed: { text?: unknown; segments?: unknown };
  try {
    parsed = JSON.parse(body) as typeof parsed;
  } catch (error) {
    throw new SttError('service-unavailable', `STT server ${url} answered with something that is not JSON: ${snippet(body)}`, { cause: error });
  }
  if (typeof parsed !== 'object' || parsed === null || typeof parsed.text !== 'string') {
    throw new SttError('service-unavailable', `STT server ${url} answered without a "text" field: ${snippet(body)}`);
  }
  const segments: TranscriptSegment[] = [];
  if (Array.isArray(parsed.segments)) {
    for (const segment of parsed.segments as VerboseSegment[]) {
      if (typeof segment?.text !== 'string' || !segment.text.trim()) continue;
      segments.push({
        text: segment.text.trim(),
        ...(typeof segment.start === 'number' ? { startMs: Math.round(segment.start * 1000) } : {}),
        ...(typeof segment.end === 'number' ? { endMs: Math.round(segment.end * 1000) } : {}),
      });
    }
  }
  return { text: parsed.text.trim(), segments };
}

function snippet(body: string): string {
  const flat = body.replace(/\s+/g, ' ').trim();
  if (!flat) return '(empty body)';
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat;
}

/** The utterance as PCM16, or undefined when the signal aborts first. */
async function collectPcm16(audio: AsyncIterable<Float32Array>, signal: AbortSignal | undefined): Promise<Int16Array | undefined> {
  const chunks: Int16Array[] = [];
  for await (const samples of audio) {
    if (signal?.aborted) return undefined;
    const pcm = new Int16Array(samples.length);
    for (let index = 0; index < samples.length; index += 1) pcm[index] = Math.round(Math.max(-1, Math.min(1, samples[index]!)) * 32767);
    chunks.push(pcm);
  }
  if (signal?.aborted) return undefined;
  return concatPcm(chunks);
}
