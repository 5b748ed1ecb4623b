/**
 * Speech for one segment from the session's voice, falling back to the embedded voice when
 * that engine fails (an XTTS worker that died mid-stream, a speech server that is down), so
 * the listener still hears the answer. The failed segment is spoken again from its start by
 * the fallback, and the rest of the turn stays on the fallback.
 */
import { describeError } from '../errors.js';
import type { AudioChunk, TtsEngine } from '../tts/tts-engine.js';

export interface VoiceChoice {
  engine: TtsEngine;
  /** The engine's own voice name; undefined for the engine's default. */
  voice?: string;
}

export interface SpeakerWithFallback {
  speak(text: string, signal: AbortSignal): AsyncGenerator<AudioChunk>;
  /** The engine now speaking: the primary until it fails, then the fallback. */
  readonly current: TtsEngine;
}

export function createSpeakerWithFallback(
  primary: VoiceChoice,
  fallback: VoiceChoice,
  onFallback: (error: unknown, failed: TtsEngine) => void,
): SpeakerWithFallback {
  let active = primary;
  return {
    get current() {
      return active.engine;
    },
    async *speak(text, signal) {
      if (active === primary && primary.engine !== fallback.engine) {
        try {
          for await (const chunk of primary.engine.synthesize(text, { voice: primary.voice, signal })) yield chunk;
          return;
        } catch (error) {
          if (signal.aborted) return;
          active = fallback;
          onFallback(error, primary.engine);
        }
      }
      yield* active.engine.synthesize(text, { voice: active.voice, signal });
    },
  };
}

export function fallbackMessage(error: unknown, failed: TtsEngine, fallback: TtsEngine): string {
  return `the ${failed.id} voice failed (${describeError(error)}); this answer continues in the embedded ${fallback.id} voice`;
}
