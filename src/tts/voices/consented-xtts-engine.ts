/**
 * The XTTS client as a `TtsEngine`, with the consent gate in front: every synthesis first
 * reads the voice's consent.json (fresh each time, so a withdrawn consent takes effect on the
 * next sentence) and refuses a voice without `voice-cloning` consent before any text is sent.
 */
import { TtsError, type AudioChunk, type SynthesizeOptions, type TtsEngine, type TtsEngineCapabilities } from '../tts-engine.js';
import { XTTS_SAMPLE_RATE, type XttsEngine } from '../xtts/xtts-client.js';
import { requireCloningConsent } from './require-cloning-consent.js';

export interface ConsentedXttsEngineOptions {
  voicesFolder: string;
  /** The voice when `synthesize` names none. */
  defaultVoice?: string;
  /** Language code passed to XTTS (default "en"). */
  language?: string;
}

export interface ConsentedXttsEngine extends TtsEngine {
  readonly id: 'xtts';
  /** The client underneath, for its worker states and health checks. */
  readonly client: XttsEngine;
}

export function createConsentedXttsEngine(client: XttsEngine, options: ConsentedXttsEngineOptions): ConsentedXttsEngine {
  const capabilities: TtsEngineCapabilities = { streaming: true, cloning: true, sampleRate: XTTS_SAMPLE_RATE };

  async function* synthesize(text: string, synthesizeOptions: SynthesizeOptions = {}): AsyncGenerator<AudioChunk> {
    const { signal } = synthesizeOptions;
    const voice = synthesizeOptions.voice ?? options.defaultVoice;
    if (signal?.aborted || text.trim() === '') return;
    if (!voice) throw new TtsError('input-unsupported', 'xtts: name a voice to clone (a folder under voices/ with consent; `persona voices list`)');
    await requireCloningConsent(options.voicesFolder, voice);
    if (signal?.aborted) return;
    for await (const frame of client.synthesize(text, { voice, signal, language: options.language })) yield { pcm: frame.pcm, sampleRate: frame.sampleRate };
  }

  return {
    id: 'xtts',
    client,
    capabilities,
    synthesize,
    close: () => client.close(),
  };
}
