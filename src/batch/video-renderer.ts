/**
 * What a batch needs of the avatar: one MP4 per answer from its whole audio and the voice's
 * portrait. The avatar modules load only when a batch asks for video; one engine serves the
 * whole run and is closed with it.
 */
import type { Config } from '../config.js';

export interface VideoRenderer {
  /** Writes `outFile` atomically; `voice` picks the portrait beside the voice (`voices/NAME/portrait.png`). */
  render(pcm: Int16Array, sampleRate: number, voice: string | undefined, outFile: string, signal?: AbortSignal): Promise<{ seconds: number }>;
  close(): Promise<void>;
}

export async function createVideoRenderer(config: Config): Promise<VideoRenderer> {
  const [{ createAvatarEngine }, { renderVideoFile }, { findPortrait }] = await Promise.all([
    import('../avatar/create-avatar-engine.js'),
    import('../avatar/render-video-file.js'),
    import('../avatar/find-portrait.js'),
  ]);
  const engine = await createAvatarEngine(config);
  return {
    async render(pcm, sampleRate, voice, outFile, signal) {
      const portrait = findPortrait(config.voicesFolder, voice);
      if (!portrait) throw new Error(`no portrait for voice "${voice ?? 'default'}" in ${config.voicesFolder} and no default portrait`);
      return renderVideoFile(engine, pcm, sampleRate, portrait, outFile, signal);
    },
    close: () => engine.close(),
  };
}
