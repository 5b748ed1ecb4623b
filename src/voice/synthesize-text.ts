/**
 * A whole text spoken at once (HTTP routes and batch, where nothing streams to a listener):
 * split like a live turn, spoken by the session voice with the embedded fallback, resampled
 * to one rate and joined.
 */
import { concatPcm } from '../audio/wav-file.js';
import { createLinearResampler, type LinearResampler } from '../tts/espeak/linear-resampler.js';
import { splitSpeech } from '../tts/sentence-splitter.js';
import type { SessionVoices } from './choose-voices.js';
import { createSpeakerWithFallback } from './speak-with-fallback.js';

export interface SpokenText {
  pcm: Int16Array;
  sampleRate: number;
  /** The engine that finished the text (the fallback when the voice failed). */
  engine: string;
  fellBack: boolean;
}

export async function synthesizeText(voices: SessionVoices, text: string, signal: AbortSignal, onFallback?: (error: unknown) => void): Promise<SpokenText> {
  let fellBack = false;
  const speaker = createSpeakerWithFallback(voices.primary, voices.fallback, (error) => {
    fellBack = true;
    onFallback?.(error);
  });
  const resamplers = new Map<number, LinearResampler>();
  const chunks: Int16Array[] = [];
  async function* whole(): AsyncGenerator<string> {
    yield text;
  }
  for await (const segment of splitSpeech(whole(), { signal })) {
    for await (const chunk of speaker.speak(segment.text, signal)) {
      let resampler = resamplers.get(chunk.sampleRate);
      if (!resampler) resamplers.set(chunk.sampleRate, (resampler = createLinearResampler(chunk.sampleRate, voices.sampleRate)));
      chunks.push(resampler.push(chunk.pcm));
    }
  }
  return { pcm: concatPcm(chunks), sampleRate: voices.sampleRate, engine: speaker.current.id, fellBack };
}
