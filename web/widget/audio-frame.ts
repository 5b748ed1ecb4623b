/**
 * The server's binary audio frame: a 4-byte little-endian turn id, then PCM16 mono
 * (src/events.ts). Copied out, because the samples after the 4-byte header are not
 * guaranteed to be 2-byte aligned for an Int16Array view, and the wire is little-endian
 * whatever the machine is.
 */
export interface AudioFrame {
  turn: number;
  pcm: Int16Array;
}

export function decodeAudioFrame(bytes: ArrayBuffer): AudioFrame | undefined {
  if (bytes.byteLength < 4 || (bytes.byteLength - 4) % 2 !== 0) return undefined;
  const view = new DataView(bytes);
  const turn = view.getUint32(0, true);
  const pcm = new Int16Array((bytes.byteLength - 4) / 2);
  for (let index = 0; index < pcm.length; index++) pcm[index] = view.getInt16(4 + index * 2, true);
  return { turn, pcm };
}
