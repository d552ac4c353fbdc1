// The wasm flat scatter-add (max pooling's backward) against the cpu kernel, bit for bit: the same
// float32 sums in the same order, repeated indices and special values included; an index out of
// range gets the cpu kernel's error; views wasm does not take fall back with the same result.
import { describe, expect, it } from 'vitest';
import type { StridedView } from '../src/backend/backend.js';
import { cpuBackend, getBackend, maxPool2d, randn, setBackend, wasmBackend } from '../src/index.js';
import { expectSame, int, pick, seeded } from './seeded.js';

const dense = (storage: Float32Array | Int32Array | Float64Array, size: number, offset = 0): StridedView => ({
  storage,
  shape: [size],
  strides: [1],
  offset,
});

function operands(seed: number, n: number, m: number, repeats: boolean) {
  const rng = seeded(seed);
  const [so, io] = [int(rng, 0, 3), int(rng, 0, 3)];
  const src = new Float32Array(so + m);
  for (let k = 0; k < m; k++) {
    src[so + k] =
      rng() < 0.05
        ? pick(rng, [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 3.4e38])
        : (rng() - 0.5) * 10;
  }
  const index = new Int32Array(io + m);
  for (let k = 0; k < m; k++)
    index[io + k] = repeats ? int(rng, 0, Math.max(0, (n >> 4) - 1)) : (k * 7919) % n;
  return { src: dense(src, m, so), index: dense(index, m, io) };
}

describe('wasm scatterAdd', () => {
  it('equals the cpu kernel bit for bit: distinct and repeated indices, special values, offsets', () => {
    for (const [seed, n, m, repeats] of [
      [1, 4096, 1024, false],
      [2, 4096, 4096, false],
      [3, 1000, 5000, true], // many sums per element: their order shows in the bits
      [4, 513, 3, true],
      [5, 200_704, 50_176, false], // a CNN's first pooling, as its backward scatters it
    ] as const) {
      const { src, index } = operands(seed, n, m, repeats);
      const want = cpuBackend.scatterAdd(src, 0, index, [n], 'float32');
      const got = wasmBackend.scatterAdd(src, 0, index, [n], 'float32');
      expect(got).toBeInstanceOf(Float32Array);
      expectSame(got, want, `n ${n}, m ${m}`);
    }
  });

  it('adds 1e8 and then 1s as float32 does, one rounding per add', () => {
    const src = new Float32Array([1e8, 1, 1, 1, 1, -1e8, 2.5]);
    const index = new Int32Array([600, 600, 600, 600, 600, 600, 1]);
    const got = wasmBackend.scatterAdd(dense(src, 7), 0, dense(index, 7), [1024], 'float32');
    // 1e8 + 1 rounds back to 1e8 in float32 each time, so the -1e8 leaves 0, not 4.
    expect([got[600], got[1], got[0]]).toEqual([0, 2.5, 0]);
  });

  it('leaves an index out of range to the cpu kernel, whose error names it', () => {
    for (const bad of [-1, 4096, 2 ** 31 - 1]) {
      const src = new Float32Array(1000).fill(1);
      const index = new Int32Array(1000).map((_, k) => k);
      index[999] = bad;
      expect(() =>
        wasmBackend.scatterAdd(dense(src, 1000), 0, dense(index, 1000), [4096], 'float32'),
      ).toThrow(`scatterAdd: index ${bad} is out of bounds for dim 0 of size 4096`);
    }
  });

  it('leaves float64, strided sources and small outputs to the cpu kernel, with its result', () => {
    const rng = seeded(9);
    const m = 800;
    const index = dense(
      new Int32Array(m).map(() => int(rng, 0, 999)),
      m,
    );
    const f64 = new Float64Array(m).map(() => rng() - 0.5);
    const strided: StridedView = {
      storage: new Float32Array(2 * m).map(() => rng() - 0.5),
      shape: [m],
      strides: [2],
      offset: 0,
    };
    for (const [src, n, dtype] of [
      [dense(f64, m), 1000, 'float64'],
      [strided, 1000, 'float32'],
      [dense(new Float32Array(m).fill(0.25), m), 100, 'float32'],
    ] as const) {
      const idx =
        n === 100
          ? dense(
              new Int32Array(m).map((_, k) => k % 100),
              m,
            )
          : index;
      expectSame(
        wasmBackend.scatterAdd(src, 0, idx, [n], dtype),
        cpuBackend.scatterAdd(src, 0, idx, [n], dtype),
        `${dtype} n ${n}`,
      );
    }
  });

  it("gives max pooling's backward each window's gradient at its kept element", () => {
    // On the wasm backend whatever BACKPROP_BACKEND says (CI also runs the suites on the cpu one).
    const before = getBackend();
    setBackend(wasmBackend);
    const x = randn([2, 3, 16, 16], { requiresGrad: true });
    const dy = randn([2, 3, 8, 8]);
    try {
      maxPool2d(x, 2).backward(dy);
    } finally {
      setBackend(before);
    }
    const [xs, dys, g] = [x.toArray() as number[][][][], dy.toArray() as number[][][][], x.grad!.toArray()];
    for (let b = 0; b < 2; b++)
      for (let c = 0; c < 3; c++)
        for (let i = 0; i < 8; i++)
          for (let j = 0; j < 8; j++) {
            const taps = [0, 1, 2, 3].map((t) => [2 * i + (t >> 1), 2 * j + (t & 1)] as const);
            const vals = taps.map(([r, s]) => xs[b]![c]![r]![s]!);
            const kept = vals.indexOf(Math.max(...vals));
            taps.forEach(([r, s], t) => {
              expect((g as number[][][][])[b]![c]![r]![s], `${b} ${c} ${r} ${s}`).toBe(
                t === kept ? dys[b]![c]![i]![j]! : 0,
              );
            });
          }
  });
});
