// The WebAssembly reduction (over leading or middle dims, keeping a trailing run) against the cpu
// kernel, which it must equal bit for bit: float64 sums in the same order, and max/min that keep the
// first of equal values (so the sign of a zero matches) and let NaN win. Shapes are large enough to
// run in wasm; views it leaves to the cpu kernel are checked too.
import { describe, expect, it } from 'vitest';
import type { ReduceOp, StridedView } from '../src/backend/backend.js';
import { cpuBackend } from '../src/backend/cpu/index.js';
import { wasmBackend } from '../src/backend/wasm/index.js';
import { expectSame, int, pick, type Rng, seeded } from './seeded.js';

function dense(rng: Rng, shape: number[], special: boolean): StridedView {
  const size = shape.reduce((n, d) => n * d, 1);
  const offset = int(rng, 0, 3);
  const storage = Float32Array.from({ length: offset + size }, () =>
    special && rng() < 0.05 ? pick(rng, [Number.NaN, Number.POSITIVE_INFINITY, -0, 0, 1]) : (rng() - 0.5) * 8,
  );
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((n, d) => n * d, 1));
  return { storage, shape, strides, offset };
}

describe('wasm reduce kernel', () => {
  it('equals the cpu kernel over random dims of random shapes, for sum, max and min', () => {
    const rng = seeded(41);
    for (let trial = 0; trial < 300; trial++) {
      const shape = Array.from({ length: int(rng, 2, 4) }, () => int(rng, 1, 13));
      const last = shape.length - 1;
      shape[last] = int(rng, 8, 70); // a trailing run long enough for the vector loop
      const dims = shape.map((_, d) => d).filter((d) => d < last && rng() < 0.5);
      if (dims.length === 0) dims.push(int(rng, 0, last - 1));
      const op = pick(rng, ['sum', 'max', 'min'] as ReduceOp[]);
      const x = dense(rng, shape, rng() < 0.3);
      const what = `${op} ${JSON.stringify(shape)} over ${JSON.stringify(dims)}`;
      expectSame(wasmBackend.reduce(op, x, dims, 'float32'), cpuBackend.reduce(op, x, dims, 'float32'), what);
    }
  });

  it('matches on the shapes of training: bias gradients and 2x2 max pooling windows', () => {
    const rng = seeded(42);
    const bias = dense(rng, [64, 256], false);
    expectSame(
      wasmBackend.reduce('sum', bias, [0], 'float32'),
      cpuBackend.reduce('sum', bias, [0], 'float32'),
      'bias',
    );
    const windows = dense(rng, [32, 8, 4, 196], true);
    expectSame(
      wasmBackend.reduce('max', windows, [2], 'float32'),
      cpuBackend.reduce('max', windows, [2], 'float32'),
      'pool',
    );
  });

  it('leaves last-dim reductions, float64 and zero-size groups to the cpu kernel', () => {
    const rng = seeded(43);
    const x = dense(rng, [40, 50], false);
    expectSame(
      wasmBackend.reduce('sum', x, [1], 'float32'),
      cpuBackend.reduce('sum', x, [1], 'float32'),
      'rows',
    );
    expectSame(
      wasmBackend.reduce('sum', x, [0, 1], 'float32'),
      cpuBackend.reduce('sum', x, [0, 1], 'float32'),
      'all',
    );
    const x64 = { ...x, storage: Float64Array.from(x.storage) };
    expectSame(
      wasmBackend.reduce('max', x64, [0], 'float64'),
      cpuBackend.reduce('max', x64, [0], 'float64'),
      'f64',
    );
    const empty = { storage: new Float32Array(0), shape: [0, 600], strides: [600, 1], offset: 0 };
    expectSame(wasmBackend.reduce('sum', empty, [0], 'float32'), new Float32Array(600), 'empty group');
    expect(() => wasmBackend.reduce('max', empty, [0], 'float32')).toThrow(
      'max: cannot reduce over a zero-size dim',
    );
  });
});
