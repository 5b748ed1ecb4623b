/**
 * The microphone: getUserMedia with the browser's echo cancellation (the persona's own
 * voice must not barge in on itself), noise suppression and gain control, into the capture
 * worklet, which hands back 20 ms PCM16 frames at 16 kHz.
 */
import type { AudioEngine } from './audio-engine.js';
import { WidgetError } from './widget-error.js';
import { captureProcessorName } from './worklet-scope.js';

export interface MicCapture {
  stop(): void;
}

export async function startMicCapture(engine: AudioEngine, onFrame: (pcm: Int16Array<ArrayBuffer>) => void): Promise<MicCapture> {
  if (!navigator.mediaDevices?.getUserMedia) {
    throw new WidgetError('microphone-blocked', 'Microphone unavailable here (the page must be served over https) — you can still type');
  }
  // The audio graph is ready before the microphone opens: a graph that loads after the stream
  // starts (worklet modules take a few hundred ms) would lose the user's first words.
  const context = await engine.context();
  engine.resume();
  let stream: MediaStream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true, channelCount: 1 } });
  } catch (error) {
    const name = error instanceof DOMException ? error.name : '';
    if (name === 'NotFoundError' || name === 'OverconstrainedError') throw new WidgetError('microphone-missing', 'No microphone found — you can still type', { cause: error });
    throw new WidgetError('microphone-blocked', 'Microphone blocked — you can still type', { cause: error });
  }
  try {
    const source = context.createMediaStreamSource(stream);
    const node = new AudioWorkletNode(context, captureProcessorName, { numberOfInputs: 1, numberOfOutputs: 0, channelCount: 1, channelCountMode: 'explicit' });
    node.port.onmessage = (message: MessageEvent<Int16Array<ArrayBuffer>>) => onFrame(message.data);
    source.connect(node);
    return {
      stop() {
        node.port.onmessage = null;
        source.disconnect();
        node.disconnect();
        for (const track of stream.getTracks()) track.stop();
      },
    };
  } catch (error) {
    for (const track of stream.getTracks()) track.stop();
    throw error;
  }
}
