/**
 * The answering half of a turn: the question goes to retrieval and the LLM; text deltas go
 * to the client and, through the sentence splitter, to the voice; speech goes out paced.
 * The LLM keeps writing while earlier sentences are spoken. An abort (barge-in) stops every
 * stage; the session reports the interruption, so nothing is sent here after it.
 */
import { createAsyncQueue, type AsyncQueue } from '../async-queue.js';
import { describeError, PersonaError } from '../errors.js';
import type { ServerEvent, TurnOutcome, TurnTimings } from '../events.js';
import { answerQuestion, type Answer } from '../llm/answer-question.js';
import { splitSpeech } from '../tts/sentence-splitter.js';
import type { AudioChunk } from '../tts/tts-engine.js';
import { createPacedAudioSender } from './paced-audio-sender.js';
import type { PersonaRuntime, PersonaServices } from './persona-runtime.js';
import type { SpeakerWithFallback } from './speak-with-fallback.js';
import { streamTurnVideo } from './video-stream.js';

export interface AnswerTurnOptions {
  turn: number;
  question: string;
  /** `performance.now()` at the end of the user's speech, or when the text arrived. */
  startedAt: number;
  sttMs?: number;
  runtime: PersonaRuntime;
  services: PersonaServices;
  conversationId: string;
  adapter?: string;
  speaker: SpeakerWithFallback;
  sampleRate: number;
  leadMs?: number;
  signal: AbortSignal;
  send(event: ServerEvent): void;
  sendAudio(turn: number, pcm: Int16Array): void;
  /** Updated as the turn goes, so an interruption can close exactly what was opened. */
  progress: TurnProgress;
  /** The session asked for video: the portrait the talking head is made from. */
  video?: { portrait: string };
}

export interface TurnProgress {
  textEnded: boolean;
  audioStarted: boolean;
  audioMs: number;
}

export interface AnswerTurnResult {
  outcome: TurnOutcome;
  timings: TurnTimings;
  answer?: Answer;
}

/** Sends the turn's talking-head video as `video-segment` events (fragmented MP4, base64), until the speech ends or the turn is aborted. */
async function sendVideo(audio: AsyncQueue<AudioChunk>, portrait: string, options: AnswerTurnOptions): Promise<void> {
  const { signal, turn } = options;
  for await (const segment of streamTurnVideo(audio.iterate(signal), portrait, { signal })) {
    if (signal.aborted) return;
    options.send({ type: 'video-segment', turn, index: segment.index, mimeType: segment.mimeType, data: Buffer.from(segment.data).toString('base64') });
  }
}

export async function answerTurn(options: AnswerTurnOptions): Promise<AnswerTurnResult> {
  const { turn, signal, send, startedAt } = options;
  const since = (): number => performance.now() - startedAt;
  const timings: TurnTimings = { sttMs: options.sttMs, totalMs: 0 };
  const deltas = createAsyncQueue<string>();
  let failed = false;
  const report = (error: unknown, code = 'turn-failed'): void => {
    failed = true;
    if (signal.aborted) return;
    send({ type: 'error', turn, code: error instanceof PersonaError ? error.code : code, message: describeError(error), retryable: error instanceof PersonaError ? error.retryable : false });
  };

  const answering = answerQuestion({
    store: options.runtime.store,
    retriever: options.services.retrieval.retriever,
    engine: options.services.engine,
    vault: options.runtime.vault,
    persona: options.services.persona,
    conversationId: options.conversationId,
    question: options.question,
    adapter: { requested: options.adapter },
    signal,
    onDelta(text) {
      if (signal.aborted) return;
      timings.firstTokenMs ??= since();
      send({ type: 'text-delta', turn, text });
      deltas.push(text);
    },
  }).finally(() => deltas.end());

  const { progress } = options;
  const sender = createPacedAudioSender({
    sampleRate: options.sampleRate,
    leadMs: options.leadMs,
    signal,
    onStart() {
      progress.audioStarted = true;
      timings.firstAudioMs = since();
      send({ type: 'audio-start', turn, sampleRate: options.sampleRate, format: 'pcm16' });
    },
    sendFrame(pcm) {
      options.sendAudio(turn, pcm);
      progress.audioMs += (pcm.length / options.sampleRate) * 1000;
    },
  });
  // The video gets its own copy of the speech, as it is made: the avatar reads at its own pace.
  const videoAudio = options.video ? createAsyncQueue<AudioChunk>() : undefined;
  const filming = options.video && videoAudio ? sendVideo(videoAudio, options.video.portrait, options) : Promise.resolve();
  const speaking = (async () => {
    try {
      for await (const segment of splitSpeech(deltas.iterate(signal), { signal })) {
        timings.firstSentenceMs ??= since();
        for await (const chunk of options.speaker.speak(segment.text, signal)) {
          videoAudio?.push(chunk);
          await sender.send(chunk);
        }
        if (signal.aborted) return;
      }
    } finally {
      videoAudio?.end();
    }
  })();

  let answer: Answer | undefined;
  try {
    answer = await answering;
    timings.retrievalMs = answer.timings.retrievalMs;
    if (!signal.aborted) {
      send({ type: 'sources', turn, sources: answer.sources });
      send({ type: 'text-end', turn, text: answer.answer, interrupted: false, turnId: answer.turnId });
      progress.textEnded = true;
    }
  } catch (error) {
    report(error);
  }
  try {
    await speaking;
  } catch (error) {
    report(error, 'speech-failed');
  }
  try {
    await filming;
  } catch (error) {
    report(error, 'video-failed');
  }
  if (progress.audioStarted && !signal.aborted) send({ type: 'audio-end', turn, interrupted: false, audioMs: Math.round(progress.audioMs) });
  timings.totalMs = since();
  const outcome: TurnOutcome = signal.aborted ? 'interrupted' : failed ? 'failed' : 'completed';
  return { outcome, timings, answer };
}
