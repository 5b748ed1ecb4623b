/** What the main thread and the playback worklet say to each other over the node's port. */
export type PlaybackCommand =
  /** PCM16 of one turn at that turn's rate. */
  | { type: 'audio'; turn: number; rate: number; pcm: Int16Array }
  /** The turn's `audio-end` came: play what is buffered even if under the jitter threshold. */
  | { type: 'end'; turn: number }
  /** Barge-in: drop, at once, everything buffered of this turn and older ones. */
  | { type: 'flush'; throughTurn: number };

/** Milliseconds of the turn played so far, sent about every 100 ms while it plays and once when it ends. */
export type PlaybackReport = { type: 'played'; turn: number; ms: number; finished: boolean };
