/**
 * Raw PCM16 little-endian bytes to samples, however the network cut them: a byte left over
 * from an odd-sized chunk is kept and joined to the next one, so no sample is ever split.
 */
export interface PcmByteJoiner {
  push(bytes: Uint8Array): Int16Array;
  /** Bytes held back (0 or 1): a stream that ends with one left was cut mid-sample. */
  readonly pendingBytes: number;
}

export function createPcmByteJoiner(): PcmByteJoiner {
  let carry: number | undefined;
  return {
    get pendingBytes() {
      return carry === undefined ? 0 : 1;
    },
    push(bytes) {
      const total = bytes.length + (carry === undefined ? 0 : 1);
      const samples = new Int16Array(Math.floor(total / 2));
      let read = 0;
      let index = 0;
      if (carry !== undefined && bytes.length > 0) {
        samples[index++] = ((bytes[0]! << 8) | carry) << 16 >> 16;
        read = 1;
        carry = undefined;
      }
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      for (; read + 1 < bytes.length; read += 2) samples[index++] = view.getInt16(read, true);
      if (read < bytes.length) carry = bytes[read];
      return samples;
    },
  };
}
