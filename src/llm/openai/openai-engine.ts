/**
 * The LLM engine on any OpenAI-compatible server (vLLM, llama-server, …): one streaming
 * POST to `/v1/chat/completions` per answer, its Server-Sent Events turned into text
 * deltas. LoRA adapters go per request (see `chat-completion-body.ts`).
 *
 * Endings: `data: [DONE]` is the only normal end; a stream that stops without it means
 * the server died mid-answer and is an error, so a half answer is never mistaken for a
 * whole one. An abort ends the stream quietly and cancels the request, which closes the
 * connection so the server stops generating.
 */
import { ConfigError, describeError } from '../../errors.js';
import type { GenerateRequest, LlmEngine, LlmEngineCapabilities, TextDelta } from '../llm-engine.js';
import { chatCompletionBody, type AdapterMode } from './chat-completion-body.js';
import { OpenAiEngineError, retryAfterMs, serverErrorMessage } from './openai-engine-error.js';
import { createServerSentEventDecoder } from './server-sent-events.js';
import { readErrorBody } from '../../http/read-error-body.js';
import { watchRequest } from '../../http/watched-request.js';

export interface OpenAiEngineOptions {
  /** e.g. `http://127.0.0.1:8000`; a trailing `/v1` is accepted too. */
  baseUrl: string;
  /** Sent as `Authorization: Bearer …` (vLLM `--api-key`, llama-server `--api-key`). */
  apiKey?: string;
  /** The base model's name on the server. */
  model: string;
  /** How the server takes LoRA adapters; 'none' ignores the request's adapter. Default 'none'. */
  adapterMode?: AdapterMode;
  /**
   * How long the server may stay silent — before its response, and between two pieces of
   * the stream — before the request fails. Not a limit on the whole answer, which may
   * rightly take minutes. Default 60 s.
   */
  timeoutMs?: number;
  /** A replacement for the global fetch (a proxy agent, instrumentation). */
  fetch?: typeof fetch;
}

const DEFAULT_TIMEOUT_MS = 60_000;
/** An error body longer than this is not a message worth printing. */
const MAX_ERROR_BODY_BYTES = 64 * 1024;

export function createOpenAiEngine(options: OpenAiEngineOptions): LlmEngine {
  const url = chatCompletionsUrl(options.baseUrl);
  if (!options.model.trim()) throw new ConfigError('The OpenAI-compatible engine needs the model name the server serves (model)');
  const adapterMode = options.adapterMode ?? 'none';
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const fetchImplementation = options.fetch ?? globalThis.fetch;
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'text/event-stream' };
  if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`;
  const capabilities: LlmEngineCapabilities = { adapters: adapterMode !== 'none', streaming: true, generative: true };
  /** Requests in flight, cancelled by close(). */
  const inFlight = new Set<AbortController>();
  let closed = false;

  async function* generate(request: GenerateRequest): AsyncGenerator<TextDelta> {
    const signal = request.signal;
    if (signal?.aborted || closed) return;
    const body = JSON.stringify(chatCompletionBody(request, options.model, adapterMode));

    // One controller per request: the caller's abort, the silence timer and close() all
    // cancel the request through it; which of them fired decides how the stream ends.
    const watched = watchRequest(signal, timeoutMs, inFlight);
    const endedByUs = (): boolean => signal?.aborted === true || closed;
    const timeoutError = (cause?: unknown): OpenAiEngineError =>
      new OpenAiEngineError('timeout', `The LLM server at ${url} sent nothing for ${timeoutMs} ms`, { url, cause });

    let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
    let readToEnd = false;
    try {
      watched.restartSilenceTimer();
      let response: Response;
      try {
        response = await fetchImplementation(url, { method: 'POST', headers, body, signal: watched.signal });
      } catch (error) {
        if (endedByUs()) return;
        if (watched.timedOut) throw timeoutError(error);
        throw unreachableError(url, error);
      }

      if (!response.ok) {
        const text = await readErrorBody(response, MAX_ERROR_BODY_BYTES);
        if (endedByUs()) return;
        const reason = serverErrorMessage(text) || response.statusText;
        throw new OpenAiEngineError('http-status', `The LLM server at ${url} answered ${response.status}${reason ? `: ${reason}` : ''}`, {
          url,
          status: response.status,
          retryAfterMs: retryAfterMs(response.headers.get('retry-after')),
        });
      }
      if (!response.body) throw new OpenAiEngineError('stream-cut', `The LLM server at ${url} answered without a body`, { url });
      // A server (or proxy) that ignores `stream: true` sends one JSON completion: still an answer.
      if (/application\/json/i.test(response.headers.get('content-type') ?? '')) {
        const text = await response.text().catch((error: unknown) => {
          if (endedByUs()) return undefined;
          throw watched.timedOut ? timeoutError(error) : streamCutError(url, error);
        });
        readToEnd = true;
        if (text === undefined) return;
        const content = completionContent(url, text);
        watched.stopSilenceTimer();
        if (content) yield { type: 'text-delta', text: content };
        return;
      }

      const bodyReader = response.body.getReader();
      reader = bodyReader;
      const decoder = createServerSentEventDecoder();
      for (;;) {
        let chunk: Awaited<ReturnType<typeof bodyReader.read>>;
        try {
          chunk = await bodyReader.read();
        } catch (error) {
          if (endedByUs()) return;
          if (watched.timedOut) throw timeoutError(error);
          throw streamCutError(url, error);
        }
        readToEnd = chunk.done;
        watched.restartSilenceTimer();
        const events = chunk.done ? decoder.end() : decoder.push(chunk.value);
        for (const event of events) {
          if (event.event === 'error') throw midAnswerError(url, event.data);
          // Named events other than errors (pings, progress) carry no answer text.
          if (event.event !== 'message') continue;
          if (event.data === '[DONE]') return;
          const text = deltaContent(url, event.data);
          if (!text) continue;
          // Time spent by the consumer (speaking the previous sentence) is not server silence.
          watched.stopSilenceTimer();
          yield { type: 'text-delta', text };
          if (endedByUs()) return;
          watched.restartSilenceTimer();
        }
        if (chunk.done) throw streamCutError(url);
      }
    } finally {
      watched.release(!readToEnd);
      // Whatever ended the stream early (abort, [DONE], an error, a consumer that stopped
      // reading), cancelling the body closes the connection so the server stops too.
      if (!readToEnd) {
        await reader?.cancel().catch(() => {});
      }
    }
  }

  return {
    id: 'openai',
    capabilities,
    generate,
    async close() {
      closed = true;
      for (const controller of inFlight) controller.abort();
    },
  };
}

export function chatCompletionsUrl(baseUrl: string): string {
  let parsed: URL;
  try {
    parsed = new URL(baseUrl);
  } catch (error) {
    throw new ConfigError(`The LLM server URL "${baseUrl}" is not a URL`, { cause: error });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new ConfigError(`The LLM server URL "${baseUrl}" must start with http:// or https://`);
  }
  const base = parsed.href.replace(/\/+$/, '');
  return `${base}${/\/v1$/.test(base) ? '' : '/v1'}/chat/completions`;
}

function unreachableError(url: string, error: unknown): OpenAiEngineError {
  const code = errorCode(error);
  const reason =
    code === 'ECONNREFUSED'
      ? 'connection refused (is the server running, on that port?)'
      : code === 'ENOTFOUND' || code === 'EAI_AGAIN'
        ? 'unknown host'
        : (code ?? describeError((error as { cause?: unknown })?.cause ?? error));
  return new OpenAiEngineError('unreachable', `Cannot reach the LLM server at ${url}: ${reason}`, { url, cause: error });
}

function streamCutError(url: string, error?: unknown): OpenAiEngineError {
  return new OpenAiEngineError(
    'stream-cut',
    `The LLM server at ${url} cut the stream before it finished (no [DONE]): the server stopped or the connection dropped mid-answer`,
    { url, cause: error },
  );
}

/** undici puts the system error (ECONNREFUSED, …) in `cause`, sometimes one level deeper. */
function errorCode(error: unknown): string | undefined {
  for (let current = error, depth = 0; current && depth < 4; current = (current as { cause?: unknown }).cause, depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

/** The text of one `data:` event, or undefined for events without text (role, finish, usage). */
function deltaContent(url: string, data: string): string | undefined {
  const chunk = parseJson(url, data);
  throwIfErrorPayload(url, chunk);
  const content = (chunk as { choices?: { delta?: { content?: unknown } }[] }).choices?.[0]?.delta?.content;
  return typeof content === 'string' ? content : undefined;
}

function completionContent(url: string, text: string): string | undefined {
  const completion = parseJson(url, text);
  throwIfErrorPayload(url, completion);
  const content = (completion as { choices?: { message?: { content?: unknown } }[] }).choices?.[0]?.message?.content;
  return typeof content === 'string' ? content : undefined;
}

function parseJson(url: string, data: string): object {
  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch (error) {
    throw new OpenAiEngineError('malformed-event', `The LLM server at ${url} sent a line that is not JSON: data: ${clip(data)}`, { url, cause: error });
  }
  if (!parsed || typeof parsed !== 'object') {
    throw new OpenAiEngineError('malformed-event', `The LLM server at ${url} sent a line that is not a completion chunk: data: ${clip(data)}`, { url });
  }
  return parsed;
}

/** vLLM and llama-server report failures after the 200 inside the stream: `{error: …}` or `{object: "error", …}`. */
function throwIfErrorPayload(url: string, payload: object): void {
  const record = payload as { error?: unknown; object?: unknown };
  if (record.error === undefined && record.object !== 'error') return;
  throw midAnswerError(url, JSON.stringify(record.error ?? record));
}

function midAnswerError(url: string, body: string): OpenAiEngineError {
  return new OpenAiEngineError('server-error', `The LLM server at ${url} reported an error mid-answer: ${serverErrorMessage(body)}`, { url });
}

function clip(text: string): string {
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
