/**
 * The globals of an AudioWorkletGlobalScope, which TypeScript's DOM library does not
 * describe. Reached through `globalThis` so that the main thread's files never see them.
 */
export interface AudioWorkletProcessorBase {
  readonly port: MessagePort;
}

export interface AudioWorkletScope {
  sampleRate: number;
  currentTime: number;
  AudioWorkletProcessor: new () => AudioWorkletProcessorBase;
  registerProcessor(name: string, processor: new () => AudioWorkletProcessorBase & { process(inputs: Float32Array[][], outputs: Float32Array[][]): boolean }): void;
}

export const workletScope = globalThis as unknown as AudioWorkletScope;

/** Names the main thread uses to create the nodes. */
export const captureProcessorName = 'persona-capture';
export const playbackProcessorName = 'persona-playback';
