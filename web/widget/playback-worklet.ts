/**
 * The speaker's AudioWorklet: a jitter buffer per turn (playing starts once ~120 ms is
 * buffered, or when the turn's audio has ended), resampling from the turn's rate to the
 * context rate, and reports of the milliseconds actually played. Bundled on its own and
 * inlined into the widget as text.
 */
import { pcm16ToFloat } from './pcm16.js';
import type { PlaybackCommand, PlaybackReport } from './playback-messages.js';
import { createResampler, type StreamResampler } from './resampler.js';
import { playbackProcessorName, workletScope } from './worklet-scope.js';

const jitterMs = 120;
const reportEveryMs = 100;

interface TurnBuffer {
  turn: number;
  resampler: StreamResampler;
  chunks: Float32Array[];
  /** Read position in chunks[0]. */
  offset: number;
  buffered: number;
  ended: boolean;
  playing: boolean;
  played: number;
  reported: number;
}

class PlaybackProcessor extends workletScope.AudioWorkletProcessor {
  private readonly rate = workletScope.sampleRate;
  private readonly startSamples = Math.round((workletScope.sampleRate * jitterMs) / 1000);
  private readonly reportSamples = Math.round((workletScope.sampleRate * reportEveryMs) / 1000);
  private turns: TurnBuffer[] = [];
  private sinceReport = 0;

  constructor() {
    super();
    this.port.onmessage = (message: MessageEvent<PlaybackCommand>) => this.command(message.data);
  }

  private command(command: PlaybackCommand): void {
    if (command.type === 'flush') {
      for (const buffer of this.turns) if (buffer.turn <= command.throughTurn) this.report(buffer, true);
      this.turns = this.turns.filter((buffer) => buffer.turn > command.throughTurn);
      return;
    }
    let buffer = this.turns.find((candidate) => candidate.turn === command.turn);
    if (command.type === 'end') {
      if (!buffer) return;
      this.append(buffer, buffer.resampler.flush());
      buffer.ended = true;
      return;
    }
    if (!buffer) {
      buffer = { turn: command.turn, resampler: createResampler(command.rate, this.rate), chunks: [], offset: 0, buffered: 0, ended: false, playing: false, played: 0, reported: -1 };
      this.turns.push(buffer);
    }
    if (buffer.ended) return;
    this.append(buffer, buffer.resampler.push(pcm16ToFloat(command.pcm)));
  }

  private append(buffer: TurnBuffer, samples: Float32Array): void {
    if (samples.length === 0) return;
    buffer.chunks.push(samples);
    buffer.buffered += samples.length;
  }

  private report(buffer: TurnBuffer, finished: boolean): void {
    if (buffer.played === buffer.reported && !finished) return;
    buffer.reported = buffer.played;
    const report: PlaybackReport = { type: 'played', turn: buffer.turn, ms: Math.round((buffer.played / this.rate) * 1000), finished };
    this.port.postMessage(report);
  }

  process(_inputs: Float32Array[][], outputs: Float32Array[][]): boolean {
    const channels = outputs[0];
    const output = channels?.[0];
    if (!channels || !output) return true;
    let written = 0;
    while (written < output.length && this.turns.length > 0) {
      const current = this.turns[0]!;
      if (current.buffered === 0) {
        if (current.ended) {
          this.report(current, true);
          this.turns.shift();
          continue;
        }
        // Ran dry mid-turn: buffer up again rather than stutter sample by sample.
        current.playing = false;
        break;
      }
      if (!current.playing) {
        if (current.buffered < this.startSamples && !current.ended) break;
        current.playing = true;
      }
      const chunk = current.chunks[0]!;
      const count = Math.min(output.length - written, chunk.length - current.offset);
      output.set(chunk.subarray(current.offset, current.offset + count), written);
      written += count;
      current.offset += count;
      current.buffered -= count;
      current.played += count;
      if (current.offset === chunk.length) {
        current.chunks.shift();
        current.offset = 0;
      }
    }
    output.fill(0, written);
    for (let channel = 1; channel < channels.length; channel++) channels[channel]!.set(output);
    this.sinceReport += output.length;
    if (this.sinceReport >= this.reportSamples) {
      this.sinceReport = 0;
      for (const buffer of this.turns) if (buffer.playing) this.report(buffer, false);
    }
    return true;
  }
}

workletScope.registerProcessor(playbackProcessorName, PlaybackProcessor);
