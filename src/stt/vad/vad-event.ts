/**
 * What the VAD stage tells the turn orchestrator. Times are positions in the audio stream
 * (ms since the first sample of this detection run), not wall-clock times, so they are
 * reproducible and independent of how fast the audio arrived.
 */
export type VadEvent =
  /** Speech confirmed (it lasted `minSpeechMs`); `atMs` is where it began, including padding. */
  | { type: 'speech-start'; atMs: number }
  /** Speech over (`minSilenceMs` of silence); `audio` runs from the start's `atMs` to this `atMs`, 16 kHz mono. */
  | { type: 'speech-end'; atMs: number; audio: Float32Array }
  /** The model's speech probability for the 32 ms frame starting at `atMs`; only when asked for. */
  | { type: 'probability'; atMs: number; value: number };
