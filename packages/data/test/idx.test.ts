import { ValueError } from '@backprop/core';
import { describe, expect, it } from 'vitest';
import { readIdx } from '../src/index.js';

// An IDX file: two zero bytes, the type code, the dim count, each dim big-endian, then the values.
function idx(type: number, shape: number[], body: number[]): Uint8Array {
  const bytes = [0, 0, type, shape.length];
  for (const d of shape) bytes.push((d >>> 24) & 255, (d >>> 16) & 255, (d >>> 8) & 255, d & 255);
  return new Uint8Array([...bytes, ...body]);
}

describe('readIdx', () => {
  it('reads unsigned bytes with the shape of the header, as int32', () => {
    const t = readIdx(idx(0x08, [2, 3], [0, 1, 2, 253, 254, 255]));
    expect(t.shape).toEqual([2, 3]);
    expect(t.dtype).toBe('int32');
    expect(t.toArray()).toEqual([
      [0, 1, 2],
      [253, 254, 255],
    ]);
  });

  it('reads signed bytes, big-endian shorts and ints, floats and doubles', () => {
    expect(readIdx(idx(0x09, [2], [0xff, 0x7f])).toArray()).toEqual([-1, 127]);
    expect(readIdx(idx(0x0b, [2], [0x01, 0x02, 0xff, 0xfe])).toArray()).toEqual([258, -2]);
    expect(readIdx(idx(0x0c, [1], [0x00, 0x01, 0x00, 0x00])).toArray()).toEqual([65536]);
    const f = readIdx(idx(0x0d, [1], [0x3f, 0xc0, 0x00, 0x00])); // 1.5
    expect([f.dtype, f.item()]).toEqual(['float32', 1.5]);
    const d = readIdx(idx(0x0e, [1], [0xc0, 0x09, 0x21, 0xfb, 0x54, 0x44, 0x2d, 0x18])); // -pi
    expect([d.dtype, d.item()]).toEqual(['float64', -Math.PI]);
  });

  it('reads a 0-dim count and an empty first dim', () => {
    expect(readIdx(idx(0x08, [0, 28, 28], [])).shape).toEqual([0, 28, 28]);
  });

  it('reads from a view into a larger buffer (a Node Buffer slice)', () => {
    const file = idx(0x08, [3], [9, 8, 7]);
    const padded = new Uint8Array(file.length + 5);
    padded.set(file, 5);
    expect(readIdx(padded.subarray(5)).toArray()).toEqual([9, 8, 7]);
  });

  it('refuses what is not IDX, naming what it expected', () => {
    expect(() => readIdx(new Uint8Array([0x1f, 0x8b, 8, 0]))).toThrow(
      /gzip-compressed; decompress them first/,
    );
    expect(() => readIdx(new Uint8Array([1, 0, 8, 1]))).toThrow(
      'readIdx: not an IDX file: it must start with two zero bytes, a type code and a dim count (got 4 bytes starting 1 0)',
    );
    expect(() => readIdx(idx(0x07, [1], [1]))).toThrow('readIdx: unknown IDX type code 0x07');
    expect(() => readIdx(new Uint8Array([0, 0, 8, 2, 0, 0, 0]))).toThrow(
      'readIdx: the header declares 2 dims but the file has only 7 bytes',
    );
    expect(() => readIdx(idx(0x08, [4], [1, 2, 3]))).toThrow(
      'readIdx: an IDX file of unsigned bytes with shape [4] has 12 bytes, got 11 (truncated or not IDX)',
    );
    expect(() => readIdx(idx(0x08, [2], [1, 2, 3]))).toThrow(ValueError);
    expect(() => readIdx([0, 0, 8, 1] as unknown as Uint8Array)).toThrow(TypeError);
  });
});
