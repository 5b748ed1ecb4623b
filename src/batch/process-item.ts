/**
 * One batch question, start to end: the persona answers (`answerQuestion`), the voice speaks
 * the whole answer (`synthesizeText`), the audio is encoded and written as `NNNN-<id>.<format>`
 * under a temporary name and renamed into place, and with `video` the avatar makes
 * `NNNN-<id>.mp4`. A failure becomes a `failed` result the run records; an abort is thrown
 * (PersonaError 'aborted'), since an interrupted item is neither done nor failed.
 */
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { encodeAudio } from '../audio/encode-audio.js';
import { describeError, PersonaError } from '../errors.js';
import { answerQuestion } from '../llm/answer-question.js';
import { endConversation, startConversation } from '../store/conversation-repository.js';
import { writeFileAtomically } from '../tts/voices/write-file-atomically.js';
import { chooseVoices } from '../voice/choose-voices.js';
import type { PersonaRuntime } from '../voice/persona-runtime.js';
import { synthesizeText } from '../voice/synthesize-text.js';
import type { BatchItemResult, BatchOptions, BatchQuestion } from './batch-item.js';
import { createVideoRenderer, type VideoRenderer } from './video-renderer.js';

export interface BatchItemResources {
  /** The run's avatar, shared by its items; without it an item that needs video opens (and closes) its own. */
  video?: VideoRenderer;
}

/** `0007-intro.mp3`: numbered from 1 so the folder lists in question order. */
export function outputName(question: Pick<BatchQuestion, 'index' | 'id'>, extension: string): string {
  return `${String(question.index + 1).padStart(4, '0')}-${question.id}.${extension}`;
}

export async function processBatchItem(
  runtime: PersonaRuntime,
  question: BatchQuestion,
  options: BatchOptions,
  outFolder: string,
  signal?: AbortSignal,
  resources: BatchItemResources = {},
): Promise<BatchItemResult> {
  const started = performance.now();
  const base = { id: question.id, index: question.index, question: question.question };
  const written: string[] = [];
  const checkAborted = (): void => {
    if (signal?.aborted) throw new PersonaError('aborted', `question ${question.index + 1} ("${question.id}") was interrupted`, { cause: signal.reason });
  };
  try {
    checkAborted();
    const persona = question.persona ?? options.persona;
    const voice = question.voice ?? options.voice;
    const services = await runtime.forPersona(persona);
    checkAborted();
    const conversationId = startConversation(runtime.store.database, persona, { via: 'persona batch', question: question.id });
    const answer = await answerQuestion({
      store: runtime.store,
      retriever: services.retrieval.retriever,
      engine: services.engine,
      vault: runtime.vault,
      persona,
      conversationId,
      question: question.question,
      adapter: options.adapter ? { requested: options.adapter } : undefined,
      signal,
    });
    endConversation(runtime.store.database, conversationId);
    checkAborted();
    if (!answer.answer.trim()) throw new PersonaError('service-unavailable', `the ${answer.engine} engine gave an empty answer`);

    const speechStarted = performance.now();
    const voices = await chooseVoices(runtime, voice, { quiet: true });
    const speechSignal = signal ?? new AbortController().signal;
    const spoken = await synthesizeText(voices, answer.answer, speechSignal);
    checkAborted();
    if (spoken.pcm.length === 0) throw new PersonaError('service-unavailable', `the ${spoken.engine} voice produced no audio for the answer`);
    const speechMs = performance.now() - speechStarted;

    const encodeStarted = performance.now();
    const bytes = await encodeAudio(spoken.pcm, spoken.sampleRate, options.format, { signal });
    const audioFile = outputName(question, options.format);
    checkAborted();
    await writeFileAtomically(path.join(outFolder, audioFile), bytes);
    written.push(audioFile);
    const encodeMs = performance.now() - encodeStarted;

    let videoFile: string | undefined;
    let videoMs: number | undefined;
    if (options.video) {
      const videoStarted = performance.now();
      const renderer = resources.video ?? (await createVideoRenderer(runtime.config));
      try {
        videoFile = outputName(question, 'mp4');
        await renderer.render(spoken.pcm, spoken.sampleRate, voice, path.join(outFolder, videoFile), signal);
        written.push(videoFile);
      } finally {
        if (!resources.video) await renderer.close();
      }
      checkAborted();
      videoMs = performance.now() - videoStarted;
    }

    return {
      ...base,
      status: 'done',
      answer: answer.answer,
      sources: answer.sources,
      adapter: answer.adapter,
      engine: { llm: answer.engine, tts: spoken.engine },
      audioFile,
      ...(videoFile ? { videoFile } : {}),
      audioSeconds: Math.round((spoken.pcm.length / spoken.sampleRate) * 1000) / 1000,
      timings: {
        retrievalMs: round(answer.timings.retrievalMs),
        ...(answer.timings.firstTokenMs !== undefined ? { firstTokenMs: round(answer.timings.firstTokenMs) } : {}),
        answerMs: round(answer.timings.totalMs),
        speechMs: round(speechMs),
        encodeMs: round(encodeMs),
        ...(videoMs !== undefined ? { videoMs: round(videoMs) } : {}),
        totalMs: round(performance.now() - started),
      },
      finishedAt: new Date().toISOString(),
    };
  } catch (error) {
    // An item that did not finish leaves no file: a rerun must not take a lone audio file for a done item.
    await Promise.all(written.map((file) => rm(path.join(outFolder, file), { force: true })));
    if (signal?.aborted) {
      throw error instanceof PersonaError && error.code === 'aborted'
        ? error
        : new PersonaError('aborted', `question ${question.index + 1} ("${question.id}") was interrupted`, { cause: signal.reason });
    }
    return { ...base, status: 'failed', error: describeError(error), finishedAt: new Date().toISOString() };
  }
}

function round(milliseconds: number): number {
  return Math.round(milliseconds * 10) / 10;
}
