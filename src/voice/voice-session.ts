/**
 * One conversation over `/v1/talk`: mic audio runs through the VAD continuously; each
 * utterance is streamed to STT as it is heard, and its transcript starts a turn (so does a
 * text message). One `AbortController` per turn. Barge-in: speech (or a text message, or an
 * `interrupt`) during a turn aborts it at once — LLM, TTS and the audio pacing all stop, the
 * interruption is announced, and no audio of the old turn is sent after that point.
 */
import { createAsyncQueue, type AsyncQueue } from '../async-queue.js';
import { describeError, PersonaError } from '../errors.js';
import type { ClientMessage, ServerEvent, TurnOutcome, TurnTimings } from '../events.js';
import { endConversation, startConversation } from '../store/conversation-repository.js';
import type { SttEngine } from '../stt/stt-engine.js';
import { detectSpeech } from '../stt/vad/detect-speech.js';
import type { SileroVad } from '../stt/vad/silero-vad.js';
import { findPortrait } from '../avatar/find-portrait.js';
import { answerTurn, type TurnProgress } from './answer-turn.js';
import { chooseVoices, type SessionVoices } from './choose-voices.js';
import { createMicHistory } from './mic-history.js';
import type { PersonaRuntime, PersonaServices } from './persona-runtime.js';
import { createSpeakerWithFallback, fallbackMessage } from './speak-with-fallback.js';

const samplesPerMs = 16;

export interface TurnReport {
  turn: number;
  outcome: TurnOutcome;
  timings: TurnTimings;
}

export interface VoiceSessionOptions {
  runtime: PersonaRuntime;
  send(event: ServerEvent): void;
  /** A binary frame: the turn id and PCM16 samples at the session's rate. */
  sendAudio(turn: number, pcm: Int16Array): void;
  /** How far audio may run ahead of real time (default 1000 ms). */
  leadMs?: number;
  onTurn?(report: TurnReport): void;
  onTtsFallback?(): void;
  /** Where the session's VAD comes from: the server shares one pool (see vad-pool.ts); default a fresh one from the runtime. */
  acquireVad?(signal: AbortSignal): Promise<SileroVad>;
}

export interface VoiceSession {
  readonly id: string;
  /** Starts (or restarts with another persona or voice); errors are sent as `error` events. */
  start(message: Extract<ClientMessage, { type: 'session-start' }>): Promise<void>;
  /** PCM16 mono 16 kHz bytes from the client. */
  hearAudio(bytes: Uint8Array): void;
  ask(text: string): void;
  interrupt(): void;
  close(): Promise<void>;
}

interface ActiveTurn {
  id: number;
  controller: AbortController;
  progress: TurnProgress;
  /** Settles when the turn's pipeline has unwound. */
  done: Promise<void>;
}

interface Listening {
  /** Made when the first audio frame arrives (a Silero ONNX session is megabytes: idle and text-only sessions hold none). */
  vad?: SileroVad;
  mic: AsyncQueue<Int16Array>;
  controller: AbortController;
  loop: Promise<void>;
}

export function createVoiceSession(options: VoiceSessionOptions): VoiceSession {
  const { runtime, send } = options;
  const id = crypto.randomUUID();
  const history = createMicHistory(10 * 16000);
  let services: PersonaServices | undefined;
  let voices: SessionVoices | undefined;
  let adapter: string | undefined;
  let video: { portrait: string } | undefined;
  let conversationId: string | undefined;
  let listening: Listening | undefined;
  let turnCounter = 0;
  let active: ActiveTurn | undefined;
  let utterance: { turn: number; audio: AsyncQueue<Float32Array> } | undefined;
  let closed = false;

  const sendError = (code: string, message: string, extra: { turn?: number; retryable?: boolean } = {}): void =>
    send({ type: 'error', code, message, turn: extra.turn, retryable: extra.retryable ?? false });

  /** Aborts the turn in progress and closes what it opened, before anything of the next turn is sent. */
  function interruptActive(): void {
    const turn = active;
    if (!turn || turn.controller.signal.aborted) return;
    turn.controller.abort(new PersonaError('aborted', 'barge-in'));
    if (!turn.progress.textEnded) send({ type: 'text-end', turn: turn.id, text: '', interrupted: true });
    if (turn.progress.audioStarted) send({ type: 'audio-end', turn: turn.id, interrupted: true, audioMs: Math.round(turn.progress.audioMs) });
  }

  function beginTurn(): ActiveTurn {
    interruptActive();
    const turn: ActiveTurn = { id: ++turnCounter, controller: new AbortController(), progress: { textEnded: false, audioStarted: false, audioMs: 0 }, done: Promise.resolve() };
    active = turn;
    return turn;
  }

  function runTurn(turn: ActiveTurn, question: string, startedAt: number, sttMs?: number): void {
    if (!services || !voices || !conversationId) return;
    const current = { services, voices, conversationId };
    const signal = turn.controller.signal;
    const speaker = createSpeakerWithFallback(current.voices.primary, current.voices.fallback, (error, failed) => {
      options.onTtsFallback?.();
      if (!signal.aborted) sendError('tts-fallback', fallbackMessage(error, failed, current.voices.fallback.engine), { turn: turn.id, retryable: true });
    });
    turn.done = answerTurn({
      turn: turn.id,
      question,
      startedAt,
      sttMs,
      runtime,
      services: current.services,
      conversationId: current.conversationId,
      adapter,
      speaker,
      sampleRate: current.voices.sampleRate,
      leadMs: options.leadMs,
      signal,
      send,
      sendAudio: (turnId, pcm) => {
        // The barge-in boundary: once the turn is aborted, not one more sample of it goes out.
        if (!signal.aborted && !closed) options.sendAudio(turnId, pcm);
      },
      progress: turn.progress,
      video,
    }).then(
      (result) => finishTurn(turn, result.outcome, result.timings, speaker.current.id, result.answer?.adapter.id),
      (error: unknown) => {
        sendError('turn-failed', describeError(error), { turn: turn.id });
        finishTurn(turn, 'failed', { sttMs, totalMs: performance.now() - startedAt }, speaker.current.id);
      },
    );
  }

  function finishTurn(turn: ActiveTurn, outcome: TurnOutcome, timings: TurnTimings, tts: string, adapterId?: string): void {
    const rounded = Object.fromEntries(Object.entries(timings).map(([key, value]) => [key, value === undefined ? undefined : Math.round(value as number)])) as unknown as TurnTimings;
    if (!closed) {
      send({ type: 'turn-metrics', turn: turn.id, outcome, timings: rounded, engine: { stt: rounded.sttMs === undefined ? undefined : runtime.stt.id, llm: services?.engine.id ?? runtime.llmName, tts }, adapter: adapterId });
    }
    options.onTurn?.({ turn: turn.id, outcome, timings });
    if (active === turn) active = undefined;
  }

  /** Streams an utterance to STT as it is heard; its final transcript starts the answer. */
  function hearUtterance(turn: ActiveTurn, stt: SttEngine, audio: AsyncQueue<Float32Array>, endOfSpeech: { at?: number }): void {
    const signal = turn.controller.signal;
    turn.done = (async () => {
      let finalText = '';
      try {
        for await (const event of stt.transcribe(audio.iterate(signal), { signal, bias: services?.bias })) {
          if (signal.aborted) return;
          if (event.type === 'transcript-partial') send({ type: 'transcript-delta', turn: turn.id, text: event.text });
          else finalText = event.text.trim();
        }
      } catch (error) {
        if (signal.aborted) return;
        sendError(error instanceof PersonaError ? error.code : 'stt-failed', `speech recognition failed: ${describeError(error)}`, { turn: turn.id, retryable: true });
        finishTurn(turn, 'failed', { totalMs: 0 }, voices?.primary.engine.id ?? '');
        return;
      }
      if (signal.aborted) return;
      const startedAt = endOfSpeech.at ?? performance.now();
      const sttMs = performance.now() - startedAt;
      send({ type: 'transcript-end', turn: turn.id, text: finalText });
      if (!finalText) {
        // Nothing intelligible: no answer, and the turn ends quietly.
        if (active === turn) active = undefined;
        return;
      }
      runTurn(turn, finalText, startedAt, sttMs);
      await turn.done;
    })();
  }

  async function listen(state: Listening): Promise<void> {
    const { signal } = state.controller;
    let endOfSpeech: { at?: number } = {};
    try {
      const vad = await (options.acquireVad ? options.acquireVad(signal) : runtime.createVad());
      state.vad = vad;
      // Closed while the model loaded: stopListening has already waited for nothing, so this loop lets go of it.
      if (signal.aborted) {
        await vad.close();
        return;
      }
      for await (const event of detectSpeech(vad, state.mic.iterate(signal), { signal })) {
        if (event.type === 'speech-start') {
          const turn = beginTurn();
          send({ type: 'vad-start', turn: turn.id });
          const audio = createAsyncQueue<Float32Array>();
          audio.push(history.since(Math.round(event.atMs * samplesPerMs)));
          utterance = { turn: turn.id, audio };
          endOfSpeech = {};
          hearUtterance(turn, runtime.stt, audio, endOfSpeech);
        } else if (event.type === 'speech-end' && utterance) {
          endOfSpeech.at = performance.now();
          send({ type: 'vad-end', turn: utterance.turn, speechMs: Math.round((event.audio.length / 16000) * 1000) });
          utterance.audio.end();
          utterance = undefined;
        }
      }
    } catch (error) {
      if (!signal.aborted) sendError('vad-failed', `voice activity detection stopped: ${describeError(error)}; text messages still work`, { retryable: false });
    } finally {
      // Nobody reads the mic any more: later frames are dropped instead of piling up.
      state.mic.end();
    }
  }

  async function stopListening(): Promise<void> {
    if (!listening) return;
    const state = listening;
    listening = undefined;
    state.controller.abort();
    state.mic.end();
    utterance?.audio.end();
    utterance = undefined;
    await state.loop;
    await state.vad?.close();
  }

  /** The first audio frame starts the VAD; frames that arrive while it loads wait in the mic queue. */
  function startListening(): Listening {
    const state: Listening = { mic: createAsyncQueue<Int16Array>(), controller: new AbortController(), loop: Promise.resolve() };
    state.loop = listen(state);
    listening = state;
    return state;
  }

  return {
    id,
    async start(message) {
      try {
        const opened = await runtime.forPersona(message.persona);
        const chosen = await chooseVoices(runtime, message.voice);
        interruptActive();
        if (conversationId) endConversation(runtime.store.database, conversationId);
        services = opened;
        voices = chosen;
        adapter = message.adapter;
        const portrait = message.video ? findPortrait(runtime.config.voicesFolder, message.voice) : undefined;
        video = portrait ? { portrait } : undefined;
        conversationId = startConversation(runtime.store.database, opened.persona, { via: 'talk', session: id, voice: message.voice });
        // Built while the user is still getting ready to speak, not when the first utterance ends.
        runtime.stt.warmUp?.(opened.bias).catch((error: unknown) => sendError('stt-unavailable', `speech recognition is not ready: ${describeError(error)}`, { retryable: true }));
        for (const warning of chosen.warnings) sendError('voice-unavailable', warning, { retryable: false });
        send({
          type: 'session-ready',
          session: id,
          persona: opened.persona,
          voice: chosen.name,
          tts: chosen.primary.engine.id,
          stt: runtime.stt.id,
          llm: opened.engine.id,
          sampleRate: chosen.sampleRate,
        });
      } catch (error) {
        sendError(error instanceof PersonaError ? error.code : 'session-failed', describeError(error), { retryable: error instanceof PersonaError && error.retryable });
      }
    },
    hearAudio(bytes) {
      if (!services || closed) {
        sendError('session-not-started', 'send {"type":"session-start","persona":…} before audio');
        return;
      }
      if (bytes.byteLength % 2 !== 0) {
        sendError('bad-frame', `audio frames are PCM16 (2 bytes per sample); got ${bytes.byteLength} bytes`);
        return;
      }
      // Copied: the socket's buffer may be pooled and unaligned for an Int16Array view.
      const pcm = new Int16Array(bytes.byteLength / 2);
      Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).copy(Buffer.from(pcm.buffer));
      const samples = new Float32Array(pcm.length);
      for (let index = 0; index < pcm.length; index++) samples[index] = pcm[index]! / 32768;
      history.append(samples);
      utterance?.audio.push(samples);
      (listening ?? startListening()).mic.push(pcm);
    },
    ask(text) {
      if (!services) {
        sendError('session-not-started', 'send {"type":"session-start","persona":…} before text');
        return;
      }
      const turn = beginTurn();
      runTurn(turn, text, performance.now());
    },
    interrupt() {
      interruptActive();
    },
    async close() {
      if (closed) return;
      interruptActive();
      closed = true;
      await stopListening();
      await active?.done.catch(() => undefined);
      if (conversationId) endConversation(runtime.store.database, conversationId);
    },
  };
}
