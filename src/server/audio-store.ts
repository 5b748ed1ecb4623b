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
  /** What `turnFingerprint` said of that turn when the audio was made. */
  turnFingerprint?: string;
  createdAt: number;
}

export interface AudioStore {
  put(audio: Omit<StoredAudio, 'createdAt' | 'turnFingerprint'>): string;
  get(id: string): StoredAudio | undefined;
}

export interface AudioStoreOptions {
  maxEntries?: number;
  maxAgeMs?: number;
  /**
   * The stored turn's identity (undefined once it is deleted, as when a source it quoted is
   * forgotten). Not its id alone: SQLite gives a deleted last row's id to the next turn.
   */
  turnFingerprint?: (turnId: number) => string | undefined;
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
      const turnFingerprint = audio.turnId !== undefined ? options.turnFingerprint?.(audio.turnId) : undefined;
      entries.set(id, { ...audio, turnFingerprint, createdAt: Date.now() });
      prune();
      return id;
    },
    get(id) {
      prune();
      const audio = entries.get(id);
      if (audio?.turnFingerprint !== undefined && options.turnFingerprint?.(audio.turnId!) !== audio.turnFingerprint) {
        entries.delete(id);
        return undefined;
      }
      return audio;
    },
  };
}
