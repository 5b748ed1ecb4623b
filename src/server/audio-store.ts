/**
 * Spoken answers kept for a while so `/v1/interact` can return a URL instead of the bytes:
 * in memory, newest first, bounded by count and age. A restart forgets them, which is fine
 * for a link meant to be played right away. An answer's audio lives only as long as its
 * turn in the store: `persona forget` (in any process) deletes the turns that quoted the
 * forgotten source, and their audio is then dropped at its next request, never played again.
 */
export interface StoredAudio {
  /** Whose answer it is: a token scoped to another persona gets the same 404 as for an unknown id. */
  persona: string;
  pcm: Int16Array;
  sampleRate: number;
  /** The stored conversation turn this audio speaks. */
  turnId?: number;
  createdAt: number;
}

export interface AudioStore {
  put(audio: Omit<StoredAudio, 'createdAt'>): string;
  get(id: string): StoredAudio | undefined;
}

export interface AudioStoreOptions {
  maxEntries?: number;
  maxAgeMs?: number;
  /** Whether a turn is still in the store (false once a source it quoted was forgotten). */
  turnExists?: (turnId: number) => boolean;
}

export function createAudioStore(options: AudioStoreOptions = {}): AudioStore {
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
      const audio = entries.get(id);
      if (audio?.turnId !== undefined && options.turnExists && !options.turnExists(audio.turnId)) {
        entries.delete(id);
        return undefined;
      }
      return audio;
    },
  };
}
