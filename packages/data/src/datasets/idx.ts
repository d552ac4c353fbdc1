import { type DType, type Tensor, type TypedArray, ValueError, zeros } from '@backprop/core';

// IDX (the MNIST files' format): two zero bytes, a type code, the number of dims, then each dim as a
// big-endian uint32, then the values in row-major order, big-endian.
interface IdxType {
  readonly name: string;
  readonly bytes: number;
  readonly dtype: DType;
  read(view: DataView, at: number): number;
}

const TYPES: Record<number, IdxType> = {
  8: { name: 'unsigned byte', bytes: 1, dtype: 'int32', read: (v, at) => v.getUint8(at) },
  9: { name: 'signed byte', bytes: 1, dtype: 'int32', read: (v, at) => v.getInt8(at) },
  11: { name: 'short', bytes: 2, dtype: 'int32', read: (v, at) => v.getInt16(at) },
  12: { name: 'int', bytes: 4, dtype: 'int32', read: (v, at) => v.getInt32(at) },
  13: { name: 'float', bytes: 4, dtype: 'float32', read: (v, at) => v.getFloat32(at) },
  14: { name: 'double', bytes: 8, dtype: 'float64', read: (v, at) => v.getFloat64(at) },
};

/**
 * Parses an uncompressed IDX file (the format of the MNIST and Fashion-MNIST files) into a tensor
 * of the shape its header gives. Bytes, signed bytes, shorts and ints become int32; floats
 * float32; doubles float64. A header that is not IDX, or a file shorter or longer than its header
 * says, is a `ValueError` naming what was expected.
 *
 * @example
 * ```ts
 * // A 1-d IDX file of three unsigned bytes: magic 0x00000801, then the dim, then the values.
 * const bytes = new Uint8Array([0, 0, 8, 1, 0, 0, 0, 3, 7, 2, 9]);
 * readIdx(bytes).toArray(); // [7, 2, 9]
 * ```
 */
export function readIdx(bytes: Uint8Array): Tensor {
  if (!(bytes instanceof Uint8Array)) {
    throw new TypeError(`readIdx: bytes must be a Uint8Array (or a Node Buffer), got ${typeof bytes}`);
  }
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    throw new ValueError(
      'readIdx: these bytes are gzip-compressed; decompress them first (e.g. zlib.gunzipSync)',
    );
  }
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0) {
    throw new ValueError(
      `readIdx: not an IDX file: it must start with two zero bytes, a type code and a dim count (got ${bytes.length} bytes${bytes.length >= 2 ? ` starting ${bytes[0]} ${bytes[1]}` : ''})`,
    );
  }
  const type = TYPES[bytes[2]!];
  if (type === undefined) {
    throw new ValueError(
      `readIdx: unknown IDX type code 0x${bytes[2]!.toString(16).padStart(2, '0')} (expected 0x08, 0x09, 0x0b, 0x0c, 0x0d or 0x0e)`,
    );
  }
  const ndim = bytes[3]!;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerBytes = 4 + 4 * ndim;
  if (bytes.length < headerBytes) {
    throw new ValueError(
      `readIdx: the header declares ${ndim} dims but the file has only ${bytes.length} bytes`,
    );
  }
  const shape: number[] = [];
  for (let d = 0; d < ndim; d++) shape.push(view.getUint32(4 + 4 * d));
  const size = shape.reduce((a, b) => a * b, 1);
  const expected = headerBytes + size * type.bytes;
  if (bytes.length !== expected) {
    throw new ValueError(
      `readIdx: an IDX file of ${type.name}s with shape [${shape.join(',')}] has ${expected} bytes, got ${bytes.length} (truncated or not IDX)`,
    );
  }
  // zeros() also names a size no tensor can hold.
  const out = zeros(shape, { dtype: type.dtype, device: 'cpu' });
  const values = out.storage as TypedArray; // a cpu tensor's storage is its typed array
  if (bytes[2] === 0x08) {
    values.set(bytes.subarray(headerBytes)); // unsigned bytes: one block copy
  } else {
    for (let i = 0; i < size; i++) values[i] = type.read(view, headerBytes + i * type.bytes);
  }
  return out;
}
