/**
 * Which mic frames go to the server in push-to-talk mode: those captured while the talk
 * button is held, then a tail of silent frames, so the server's VAD hears the end of the
 * utterance at once instead of waiting for speech that never comes. The tail replaces the
 * live frames one for one, so it goes out at the mic's own pace and never bursts past the
 * server's message-rate limit.
 */
export interface PushToTalkGate {
  readonly held: boolean;
  press(): void;
  release(): void;
  /** The frame to send for this captured frame, or undefined to send nothing. */
  pass(frame: Int16Array<ArrayBuffer>): Int16Array<ArrayBuffer> | undefined;
  reset(): void;
}

/** 40 frames of 20 ms: about the silence the server's VAD needs to end an utterance. */
export const defaultSilenceFrames = 40;

export function createPushToTalkGate(silenceFrames = defaultSilenceFrames): PushToTalkGate {
  let held = false;
  let silenceLeft = 0;
  return {
    get held() {
      return held;
    },
    press() {
      held = true;
      silenceLeft = 0;
    },
    release() {
      if (!held) return;
      held = false;
      silenceLeft = silenceFrames;
    },
    pass(frame) {
      if (held) return frame;
      if (silenceLeft > 0) {
        silenceLeft--;
        return new Int16Array(frame.length);
      }
      return undefined;
    },
    reset() {
      held = false;
      silenceLeft = 0;
    },
  };
}
