// allocateUnfilled: storages a kernel fills completely, taken without a zero fill under Node
// (Buffer.allocUnsafeSlow) from 4 KiB up. Each one must be a plain typed array that owns its whole
// ArrayBuffer, like allocate's, and fall back to allocate where no such Buffer exists. Tests run with
// the poison on (poison-unfilled.setup.ts), so every kernel test also checks that nothing is left
// unwritten.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { allocateUnfilled, type DType, poisonUnfilled } from '../src/dtype.js';

const WIDTH = { float32: 4, float64: 8, int32: 4, bool: 1 } as const;
const KIND = { float32: Float32Array, float64: Float64Array, int32: Int32Array, bool: Uint8Array } as const;
const DTYPES = Object.keys(WIDTH) as DType[];

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
  poisonUnfilled(true);
});

describe('allocateUnfilled', () => {
  it('returns a plain typed array of the dtype that owns exactly its own ArrayBuffer', () => {
    for (const dtype of DTYPES)
      for (const length of [0, 3, 1000, 4096, 100_003]) {
        const a = allocateUnfilled(dtype, length);
        expect(a.constructor, `${dtype} ${length}`).toBe(KIND[dtype]);
        expect([a.length, a.byteOffset, a.buffer.byteLength]).toEqual([length, 0, length * WIDTH[dtype]]);
      }
  });

  it('takes 4 KiB and more from Buffer.allocUnsafeSlow (no zero fill), smaller ones from allocate', () => {
    const spy = vi.spyOn(Buffer, 'allocUnsafeSlow');
    allocateUnfilled('float32', 1023);
    allocateUnfilled('bool', 4095);
    expect(spy).not.toHaveBeenCalled();
    allocateUnfilled('float32', 1024);
    allocateUnfilled('float64', 100_000);
    expect(spy.mock.calls).toEqual([[4096], [800_000]]);
  });

  it('fills what it returns with values no kernel writes while the tests poison it', () => {
    expect(Array.from(allocateUnfilled('float32', 5000).subarray(0, 3))).toEqual([NaN, NaN, NaN]);
    expect(allocateUnfilled('float64', 7).every(Number.isNaN)).toBe(true);
    expect(allocateUnfilled('int32', 5000).every((v) => v === -(2 ** 31))).toBe(true);
    expect(allocateUnfilled('bool', 5000).every((v) => v === 0xa5)).toBe(true);
    poisonUnfilled(false);
    expect(allocateUnfilled('float32', 5).every((v) => v === 0)).toBe(true);
  });

  it('falls back to zero-filled storage without a Buffer, or with one whose memory is not its own', () => {
    poisonUnfilled(false);
    vi.stubGlobal('Buffer', undefined);
    const none = allocateUnfilled('float32', 5000);
    expect([none.length, none.every((v) => v === 0)]).toEqual([5000, true]);
    // A polyfill that hands out slices of a pool: the storage would not own its ArrayBuffer.
    const pool = new ArrayBuffer(1 << 20);
    vi.stubGlobal('Buffer', { allocUnsafeSlow: (n: number) => new Uint8Array(pool, 64, n) });
    const pooled = allocateUnfilled('float64', 5000);
    expect([pooled.buffer === pool, pooled.buffer.byteLength, pooled.every((v) => v === 0)]).toEqual([
      false,
      40_000,
      true,
    ]);
  });

  it('names the op for a length it cannot allocate, as allocate does', () => {
    expect(() => allocateUnfilled('float32', -1, 'relu')).toThrow('relu: cannot allocate -1 elements');
    expect(() => allocateUnfilled('float32', 1.5, 'relu')).toThrow('relu: cannot allocate 1.5 elements');
  });
});
