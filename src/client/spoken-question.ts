/** A question spoken by the embedded voice as 16 kHz mono PCM16 with silence around it: a stand-in for a microphone. */
import { concatPcm } from '../audio/wav-file.js';
import { createLinearResampler } from '../tts/espeak/linear-resampler.js';
import type { TtsEngine } from '../tts/tts-engine.js';

export async function speakQuestion(engine: TtsEngine, text: string, options: { voice?: string; silenceMs?: number } = {}): Promise<Int16Array> {
  const chunks: Int16Array[] = [];
  let resampler: ReturnType<typeof createLinearResampler> | undefined;
  for await (const chunk of engine.synthesize(text, { voice: options.voice })) {
    resampler ??= createLinearResampler(chunk.sampleRate, 16000);
    chunks.push(resampler.push(chunk.pcm));
  }
  const silence = new Int16Array(Math.round(16 * (options.silenceMs ?? 1000)));
  return concatPcm([silence, ...chunks, silence]);
}
