import { VadError } from './vad-error.js';

export interface WavAudio {
  sampleRate: number;
  /** Mono float samples in [-1, 1]; multi-channel files are averaged. */
  samples: Float32Array;
}

/**
 * Parses a RIFF/WAVE file of 16-bit PCM or 32-bit float. Tools that stream their WAV
 * (espeak-ng to stdout, ffmpeg to a pipe) write 0xFFFFFFFF sizes, so the data chunk is
 * clamped to the bytes actually present. `name` is only used in error messages.
 */
export function readWav(bytes: Uint8Array, name = 'WAV data'): WavAudio {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tag = (offset: number): string =>
    offset + 4 <= bytes.length ? String.fromCharCode(...bytes.subarray(offset, offset + 4)) : '';
  if (tag(0) !== 'RIFF' || tag(8) !== 'WAVE') {
    throw new VadError('input-unsupported', name, 'not a RIFF/WAVE file');
  }

  let format: { code: number; channels: number; sampleRate: number; bits: number } | undefined;
  let offset = 12;
  while (offset + 8 <= bytes.length) {
    const id = tag(offset);
    const size = view.getUint32(offset + 4, true);
    const body = offset + 8;
    if (id === 'fmt ') {
      if (size < 16 || body + 16 > bytes.length) throw new VadError('input-unreadable', name, 'truncated fmt chunk');
      let code = view.getUint16(body, true);
      // WAVE_FORMAT_EXTENSIBLE keeps the real format in the first two bytes of its sub-format GUID.
      if (code === 0xfffe && size >= 40 && body + 26 <= bytes.length) code = view.getUint16(body + 24, true);
      format = {
        code,
        channels: view.getUint16(body + 2, true),
        sampleRate: view.getUint32(body + 4, true),
        bits: view.getUint16(body + 14, true),
      };
    } else if (id === 'data') {
      if (!format) throw new VadError('input-unreadable', name, 'data chunk before fmt chunk');
      const end = Math.min(body + size, bytes.length);
      return { sampleRate: format.sampleRate, samples: decode(view, body, end, format, name) };
    }
    offset = body + size + (size % 2);
  }
  throw new VadError('input-unreadable', name, 'no data chunk');
}

function decode(
  view: DataView,
  start: number,
  end: number,
  format: { code: number; channels: number; bits: number },
  name: string,
): Float32Array {
  const { code, channels, bits } = format;
  if (channels < 1) throw new VadError('input-unreadable', name, 'fmt chunk declares 0 channels');
  const pcm16 = code === 1 && bits === 16;
  const float32 = code === 3 && bits === 32;
  if (!pcm16 && !float32) {
    throw new VadError('input-unsupported', name, `format ${code} with ${bits} bits per sample; only 16-bit PCM and 32-bit float are read`);
  }
  const bytesPerSample = bits / 8;
  const frames = Math.floor((end - start) / (bytesPerSample * channels));
  const samples = new Float32Array(frames);
  for (let frame = 0; frame < frames; frame++) {
    let sum = 0;
    for (let channel = 0; channel < channels; channel++) {
      const at = start + (frame * channels + channel) * bytesPerSample;
      sum += pcm16 ? view.getInt16(at, true) / 32768 : view.getFloat32(at, true);
    }
    samples[frame] = sum / channels;
  }
  return samples;
}
