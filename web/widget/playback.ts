/**
 * The speaker: turn audio goes to the playback worklet, which reports back what it played.
 * Commands issued before the worklet is loaded wait for it, in order.
 */
import type { AudioEngine } from './audio-engine.js';
import type { PlaybackCommand, PlaybackReport } from './playback-messages.js';
import { playbackProcessorName } from './worklet-scope.js';

export interface Playback {
  play(turn: number, rate: number, pcm: Int16Array): void;
  end(turn: number): void;
  flush(throughTurn: number): void;
  close(): void;
}

export function createPlayback(engine: AudioEngine, onReport: (report: PlaybackReport) => void, onError: (error: unknown) => void): Playback {
  let node: Promise<AudioWorkletNode | undefined> | undefined;
  let closed = false;

  function connect(): Promise<AudioWorkletNode | undefined> {
    node ??= engine.context().then(
      (context) => {
        if (closed) return undefined;
        const created = new AudioWorkletNode(context, playbackProcessorName, { numberOfInputs: 0, numberOfOutputs: 1, outputChannelCount: [1] });
        created.port.onmessage = (message: MessageEvent<PlaybackReport>) => onReport(message.data);
        created.connect(context.destination);
        return created;
      },
      (error: unknown) => {
        node = undefined;
        onError(error);
        return undefined;
      },
    );
    return node;
  }

  function send(command: PlaybackCommand, transfer: Transferable[] = []): void {
    if (closed) return;
    void connect().then((ready) => ready?.port.postMessage(command, transfer));
  }

  return {
    play(turn, rate, pcm) {
      engine.resume();
      send({ type: 'audio', turn, rate, pcm }, [pcm.buffer]);
    },
    end(turn) {
      send({ type: 'end', turn });
    },
    flush(throughTurn) {
      // Nothing to flush before the worklet exists; do not create a context just for this.
      if (node) send({ type: 'flush', throughTurn });
    },
    close() {
      closed = true;
      void node?.then((ready) => ready?.disconnect());
      node = undefined;
    },
  };
}
