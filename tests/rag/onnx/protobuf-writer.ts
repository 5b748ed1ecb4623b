/**
 * The few protobuf encodings an ONNX model file needs: varints and length-delimited fields
 * (strings, bytes, nested messages). Enough to write a model by hand, with no protobuf package.
 */

const varintWireType = 0;
const lengthDelimitedWireType = 2;

/** Non-negative integers only: ONNX dims, types and versions never need the negative form. */
export function encodeVarint(value: number | bigint): Uint8Array {
  let remaining = BigInt(value);
  if (remaining < 0n) throw new RangeError(`negative varint ${remaining}`);
  const bytes: number[] = [];
  do {
    const low = Number(remaining & 0x7fn);
    remaining >>= 7n;
    bytes.push(remaining > 0n ? low | 0x80 : low);
  } while (remaining > 0n);
  return Uint8Array.from(bytes);
}

function tag(field: number, wireType: number): Uint8Array {
  return encodeVarint((field << 3) | wireType);
}

export function concatenate(parts: readonly Uint8Array[]): Uint8Array {
  const result = new Uint8Array(parts.reduce((total, part) => total + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    result.set(part, offset);
    offset += part.length;
  }
  return result;
}

export function varintField(field: number, value: number | bigint): Uint8Array {
  return concatenate([tag(field, varintWireType), encodeVarint(value)]);
}

export function bytesField(field: number, bytes: Uint8Array): Uint8Array {
  return concatenate([tag(field, lengthDelimitedWireType), encodeVarint(bytes.length), bytes]);
}

export function stringField(field: number, text: string): Uint8Array {
  return bytesField(field, new TextEncoder().encode(text));
}

/** A nested message is a length-delimited field holding the message's own encoded fields. */
export function messageField(field: number, fields: readonly Uint8Array[]): Uint8Array {
  return bytesField(field, concatenate(fields));
}
