/**
 * Spoken answers kept for a while so `/v1/interact` can return a URL instead of the bytes:
 * in memory, newest first, bounded by count and age. A restart forgets them, which is fine
 * for a link meant to be played right away.
 */
export interface StoredAudio {
  pcm: Int16Array;
  sampleRate: number;
  createdAt: number;
}

export interface AudioStore {
  put(audio: Omit<StoredAudio, 'createdAt'>): string;
  get(id: string): StoredAudio | undefined;
}

export function createAudioStore(options: { maxEntries?: number; maxAgeMs?: number } = {}): AudioStore {
  const maxEntries = options.maxEntries ?? 200;
  const maxAgeMs = options.maxAgeMs ?? 60 * 60 * 1000;
  const entries = new Map<string, StoredAudio>();

  const prune = (): void => {
    const oldest = Date.now() - maxAgeMs;
    for (const [id, audio] of entries) if (audio.createdAt < oldest || entries.size > maxEntries) entries.delete(id);
  };

  return {
    put(audio) {
      const id = crypto.randomUUID();
      entries.set(id, { ...audio, createdAt: Date.now() });
      prune();
      return id;
    },
    get(id) {
      prune();
      return entries.get(id);
    },
  };
}
