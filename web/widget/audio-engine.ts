/**
 * The one AudioContext the widget uses for both the mic and the speaker, with both worklet
 * modules loaded. Created on first use, because browsers let a context start only after a
 * user gesture; `resume()` is called again from every click so that a context created
 * without one starts as soon as the user touches the widget.
 */
import { WidgetError } from './widget-error.js';
import { workletModuleUrls } from './worklet-sources.js';

export interface AudioEngine {
  /** The context with both worklets loaded. */
  context(): Promise<AudioContext>;
  resume(): void;
  close(): Promise<void>;
}

export function createAudioEngine(): AudioEngine {
  let loading: Promise<AudioContext> | undefined;
  let created: AudioContext | undefined;

  async function load(): Promise<AudioContext> {
    if (typeof AudioContext === 'undefined' || typeof AudioWorkletNode === 'undefined') {
      throw new WidgetError('audio-unavailable', 'This browser has no Web Audio worklets — you can still type');
    }
    const context = new AudioContext({ latencyHint: 'interactive' });
    created = context;
    const urls = workletModuleUrls();
    try {
      for (const url of urls) await context.audioWorklet.addModule(url);
    } catch (error) {
      throw new WidgetError('audio-unavailable', 'Audio could not start in this page (its security policy may block blob: worklets) — you can still type', { cause: error });
    } finally {
      for (const url of urls) URL.revokeObjectURL(url);
    }
    return context;
  }

  return {
    context() {
      loading ??= load();
      void loading.catch(() => (loading = undefined));
      return loading;
    },
    resume() {
      if (created?.state === 'suspended') void created.resume().catch(() => undefined);
    },
    async close() {
      const context = created;
      created = undefined;
      loading = undefined;
      if (context && context.state !== 'closed') await context.close().catch(() => undefined);
    },
  };
}
