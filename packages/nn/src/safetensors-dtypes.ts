// The element codes of the safetensors format: what each reads into, and how a tensor's values
// become little-endian bytes and back. This is file I/O, not a tensor kernel: it runs once per
// tensor on load or save, on the host, where the bytes are.
import { type DType, type TypedArray, ValueError } from '@backprop/core';

/** A safetensors dtype code we read: the dtype it becomes and its size in bytes. */
export interface ReadCode {
  dtype: DType;
  bytes: number;
}

// F16 and BF16 widen to float32 exactly; I64 and U8 become int32 (I64 with a range check, since
// PyTorch writes every integer buffer, num_batches_tracked included, as int64); BOOL is bool, whose
// storage is the same 0/1 bytes.
export const READ: Readonly<Record<string, ReadCode>> = {
  F64: { dtype: 'float64', bytes: 8 },
  F32: { dtype: 'float32', bytes: 4 },
  F16: { dtype: 'float32', bytes: 2 },
  BF16: { dtype: 'float32', bytes: 2 },
  I64: { dtype: 'int32', bytes: 8 },
  I32: { dtype: 'int32', bytes: 4 },
  U8: { dtype: 'int32', bytes: 1 },
  BOOL: { dtype: 'bool', bytes: 1 },
};

// What each dtype is written as; `satisfies` makes a dtype without a code a compile error.
const WRITE = {
  float32: { code: 'F32', bytes: 4 },
  float64: { code: 'F64', bytes: 8 },
  int32: { code: 'I32', bytes: 4 },
  bool: { code: 'BOOL', bytes: 1 },
} as const satisfies Record<DType, { code: string; bytes: number }>;

/** A tensor's data as the bytes of the file: its code, its element size, and the bytes. */
export interface Encoded {
  code: string;
  bytes: number;
  data: Uint8Array;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

// PyTorch's BatchNorm counter is int64, so the reference files hold it as I64; writing it the same
// way gives byte layouts (and dtypes on PyTorch's side) that match a file torch writes.
const isBatchCounter = (key: string) => key === 'num_batches_tracked' || key.endsWith('.num_batches_tracked');

/**
 * The little-endian bytes of `data` (a fresh copy, as `Tensor.data()` returns) under the code its
 * dtype is written as; an int32 `num_batches_tracked` is widened to I64 as PyTorch writes it.
 */
export function encode(key: string, dtype: DType, data: TypedArray): Encoded {
  const write = WRITE[dtype];
  if (!write) {
    throw new ValueError(
      `saveSafetensors: '${key}' has dtype ${String(dtype)}, which safetensors files here do not hold (supported: ${Object.keys(WRITE).join(', ')})`,
    );
  }
  if (dtype === 'int32' && isBatchCounter(key)) {
    const out = new Uint8Array(data.length * 8);
    const view = new DataView(out.buffer);
    for (let i = 0; i < data.length; i++) {
      view.setInt32(i * 8, data[i]!, true);
      view.setInt32(i * 8 + 4, data[i]! < 0 ? -1 : 0, true); // sign extension: the high word
    }
    return { code: 'I64', bytes: 8, data: out };
  }
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (LITTLE_ENDIAN) return { code: write.code, bytes: write.bytes, data: bytes };
  const out = new Uint8Array(data.byteLength);
  for (let i = 0; i < out.length; i += write.bytes) {
    for (let b = 0; b < write.bytes; b++) out[i + b] = bytes[i + write.bytes - 1 - b]!;
  }
  return { code: write.code, bytes: write.bytes, data: out };
}

/**
 * The float32 bit pattern of an IEEE 754 half: every half is a float32 exactly, so this only moves
 * fields. Subnormal halves (exponent field 0) become normal float32s; infinities stay infinite and
 * NaNs keep sign and payload.
 */
export function halfToFloatBits(h: number): number {
  const sign = (h & 0x8000) << 16;
  const exponent = (h >> 10) & 0x1f;
  let mantissa = h & 0x3ff;
  if (exponent === 0x1f) return (sign | 0x7f800000 | (mantissa << 13)) >>> 0;
  if (exponent !== 0) return (sign | ((exponent + 127 - 15) << 23) | (mantissa << 13)) >>> 0;
  if (mantissa === 0) return sign >>> 0; // ±0
  // A subnormal is mantissa * 2^-24: shift its leading 1 up to the implicit bit (bit 10).
  let e = 127 - 15 + 1;
  while ((mantissa & 0x400) === 0) {
    mantissa <<= 1;
    e--;
  }
  return (sign | (e << 23) | ((mantissa & 0x3ff) << 13)) >>> 0;
}

const fail = (message: string): never => {
  throw new ValueError(`loadSafetensors: ${message}`);
};

/**
 * The elements of entry `key` from its bytes (exactly the tensor's, possibly unaligned in the file),
 * as the typed array of READ[code].dtype. An I64 value outside int32, or a BOOL byte other than 0
 * or 1, throws a ValueError naming the key, the element and the value.
 */
export function decode(key: string, code: string, bytes: Uint8Array): TypedArray {
  const size = READ[code]!.bytes;
  const count = bytes.length / size;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (code) {
    case 'F16':
    case 'BF16': {
      const out = new Float32Array(count);
      const bits = new Uint32Array(out.buffer); // written as bits: NaN payloads survive
      if (code === 'F16')
        for (let i = 0; i < count; i++) bits[i] = halfToFloatBits(view.getUint16(i * 2, true));
      else for (let i = 0; i < count; i++) bits[i] = view.getUint16(i * 2, true) << 16; // the top half of a float32
      return out;
    }
    case 'I64': {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) {
        const v = view.getBigInt64(i * 8, true);
        if (v > 2147483647n || v < -2147483648n) {
          fail(
            `entry '${key}': I64 value ${v} (element ${i}) does not fit in int32, the integer dtype it is read into`,
          );
        }
        out[i] = Number(v);
      }
      return out;
    }
    case 'U8':
      return Int32Array.from(bytes);
    case 'BOOL': {
      // A bool tensor's storage holds only 0 and 1 (ops rely on it), so any other byte is refused.
      const bad = bytes.findIndex((b) => b > 1);
      if (bad >= 0) fail(`entry '${key}': BOOL byte ${bytes[bad]} (element ${bad}) is neither 0 nor 1`);
      return bytes.slice();
    }
  }
  const out =
    code === 'F64'
      ? new Float64Array(count)
      : code === 'F32'
        ? new Float32Array(count)
        : new Int32Array(count);
  if (LITTLE_ENDIAN)
    new Uint8Array(out.buffer).set(bytes); // a copy, so alignment in the file never matters
  else if (code === 'F64') for (let i = 0; i < count; i++) out[i] = view.getFloat64(i * 8, true);
  else if (code === 'F32') for (let i = 0; i < count; i++) out[i] = view.getFloat32(i * 4, true);
  else for (let i = 0; i < count; i++) out[i] = view.getInt32(i * 4, true);
  return out;
}
