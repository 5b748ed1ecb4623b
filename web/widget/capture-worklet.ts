/**
 * The mic's AudioWorklet: downsamples from the context rate to 16 kHz (low-pass first) and
 * posts PCM16 frames of 20 ms (320 samples) to the main thread, which sends them as binary
 * WebSocket frames. Bundled on its own and inlined into the widget as text.
 */
import { floatToPcm16 } from './pcm16.js';
import { createResampler } from './resampler.js';
import { captureProcessorName, workletScope } from './worklet-scope.js';

const serverRate = 16000;
const frameSamples = 320;

class CaptureProcessor extends workletScope.AudioWorkletProcessor {
  private readonly resampler = createResampler(workletScope.sampleRate, serverRate);
  private readonly frame = new Float32Array(frameSamples);
  private filled = 0;

  process(inputs: Float32Array[][]): boolean {
    const channels = inputs[0];
    const first = channels?.[0];
    if (!channels || !first) return true;
    let mono = first;
    if (channels.length > 1) {
      mono = new Float32Array(first.length);
      for (const channel of channels) for (let index = 0; index < mono.length; index++) mono[index]! += channel[index]! / channels.length;
    }
    const resampled = this.resampler.push(mono);
    for (let index = 0; index < resampled.length; index++) {
      this.frame[this.filled++] = resampled[index]!;
      if (this.filled === frameSamples) {
        const pcm = floatToPcm16(this.frame);
        this.port.postMessage(pcm, [pcm.buffer]);
        this.filled = 0;
      }
    }
    return true;
  }
}

workletScope.registerProcessor(captureProcessorName, CaptureProcessor);
