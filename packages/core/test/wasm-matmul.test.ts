// The WebAssembly matmul against the cpu kernel on random strided inputs: dense, transposed, row
// slices, sparse slices (gathered rather than copied), batch-broadcast operands (stride 0), offsets,
// int32 operands, and sizes across matmul.wat's edges (4x8 tiles, 128-row blocks, 256-deep k
// slices). The cpu kernel sums in float64, the wasm one in float32, so they agree within float32
// summation error, which is bounded by (k + 2) * 2^-24 * sum_p |a_ip b_pj| per element.
import { describe, expect, it } from 'vitest';
import type { StridedView } from '../src/backend/backend.js';
import { cpuBackend } from '../src/backend/cpu/index.js';
import { addBiasRows } from '../src/backend/cpu/matmul.js';
import { wasmBackend } from '../src/backend/wasm/index.js';
import { wasmAvailable } from '../src/backend/wasm/runtime.js';
import { allocate, type DType } from '../src/dtype.js';
import { expectSame, int, pick, type Rng, seeded } from './seeded.js';

type Layout = 'dense' | 'transposed' | 'sliced' | 'sparse';

/**
 * A `[...batch, rows, cols]` view over fresh random storage, laid out as `layout` says: row-major,
 * column-major, with a gap after each row, or with every element two apart and two extra columns
 * (sparse enough that the wasm side gathers it instead of copying its span). `broadcast` gives the
 * batch dims stride 0, as an operand expanded over the batch.
 */
function randomMatrix(
  rng: Rng,
  batch: readonly number[],
  rows: number,
  cols: number,
  layout: Layout,
  opts: { dtype?: DType; broadcast?: boolean; special?: boolean } = {},
): StridedView {
  const gap = layout === 'sliced' ? int(rng, 1, 3) : 0;
  const spread = layout === 'sparse' ? 2 : 1;
  let [rs, cs] = [(cols + gap) * spread, spread];
  if (layout === 'transposed') [rs, cs] = [1, rows];
  if (layout === 'sparse') rs = (cols + 2) * spread;
  const matrix = Math.max(1, (rows - 1) * rs + (cols - 1) * cs + 1);
  const batchStrides = batch.map(() => 0);
  let step = matrix;
  for (let d = batch.length - 1; d >= 0 && !opts.broadcast; d--) {
    batchStrides[d] = step;
    step *= batch[d]!;
  }
  const offset = int(rng, 0, 3);
  const storage = allocate(opts.dtype ?? 'float32', offset + step);
  for (let i = 0; i < storage.length; i++) storage[i] = value(rng, opts);
  return { storage, shape: [...batch, rows, cols], strides: [...batchStrides, rs, cs], offset };
}

function value(rng: Rng, opts: { dtype?: DType; special?: boolean }): number {
  if (opts.special && rng() < 0.02) return pick(rng, [Number.NaN, Number.POSITIVE_INFINITY, -0, 0]);
  const v = (rng() - 0.5) * 6;
  return opts.dtype === 'int32' ? Math.round(v) : v;
}

/** Per-element float32 error bounds: (k + 2) * 2^-24 * sum_p |a_ip b_pj|, from the cpu kernel. */
function bounds(a: StridedView, b: StridedView): Float64Array {
  const abs = (v: StridedView): StridedView => ({ ...v, storage: v.storage.map(Math.abs) });
  const k = a.shape.at(-1)!;
  const mass = cpuBackend.matmul(abs(a), abs(b), 'float64');
  return Float64Array.from(mass, (s) => (k + 2) * 2 ** -24 * s);
}

function expectNear(a: StridedView, b: StridedView, what: string): void {
  const actual = wasmBackend.matmul(a, b, 'float32');
  const expected = cpuBackend.matmul(a, b, 'float32');
  const tol = bounds(a, b);
  expect(actual, what).toBeInstanceOf(Float32Array);
  expect(actual.length, `${what}: length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const [x, e] = [actual[i]!, expected[i]!];
    const ok = Number.isFinite(e) ? Math.abs(x - e) <= tol[i]! : Object.is(x, e);
    if (!ok) expect.fail(`${what}: element ${i} is ${x}, expected ${e} within ${tol[i]}`);
  }
}

const LAYOUTS: Layout[] = ['dense', 'transposed', 'sliced', 'sparse'];

/** The row-major `values` of a rows x cols matrix as a view laid out row-major, column-major, or with a 3-float gap after each row. */
function laidOut(
  values: Float32Array,
  rows: number,
  cols: number,
  layout: 'dense' | 'transposed' | 'sliced',
): StridedView {
  const [rs, cs] = layout === 'transposed' ? [1, rows] : [layout === 'sliced' ? cols + 3 : cols, 1];
  const storage = new Float32Array((rows - 1) * rs + (cols - 1) * cs + 1);
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < cols; j++) storage[i * rs + j * cs] = values[i * cols + j]!;
  return { storage, shape: [rows, cols], strides: [rs, cs], offset: 0 };
}

describe('wasm matmul kernel', () => {
  it('runs in WebAssembly here (Node 20+ has SIMD), so the tests below test it', () => {
    expect(wasmAvailable()).toBe(true);
  });

  it('matches the cpu kernel on small and tail sizes with any layout and batch', () => {
    const rng = seeded(11);
    const sizes = [1, 2, 3, 4, 5, 7, 8, 9, 12, 13, 17];
    for (let trial = 0; trial < 300; trial++) {
      const batch = pick(rng, [[], [], [2], [3, 1], [2, 2]]);
      const [m, k, n] = [pick(rng, sizes), pick(rng, sizes), pick(rng, sizes)];
      const broadcastA = batch.length > 0 && rng() < 0.25;
      const broadcastB = batch.length > 0 && !broadcastA && rng() < 0.25;
      const special = rng() < 0.2;
      const a = randomMatrix(rng, batch, m, k, pick(rng, LAYOUTS), { broadcast: broadcastA, special });
      const b = randomMatrix(rng, batch, k, n, pick(rng, LAYOUTS), { broadcast: broadcastB, special });
      expectNear(a, b, `matmul ${JSON.stringify(a.shape)} x ${JSON.stringify(b.shape)} (trial ${trial})`);
    }
  });

  it('matches across its cache-block edges: k > 256 (several slices), m > 128 (several row blocks)', () => {
    const rng = seeded(12);
    for (const [m, k, n] of [
      [131, 37, 6],
      [5, 300, 9],
      [130, 513, 17],
      [64, 784, 256],
      [257, 256, 8],
    ] as const) {
      for (const [la, lb] of [
        ['dense', 'dense'],
        ['transposed', 'dense'],
        ['dense', 'transposed'],
        ['sliced', 'sparse'],
      ] as const) {
        expectNear(
          randomMatrix(rng, [], m, k, la),
          randomMatrix(rng, [], k, n, lb),
          `${m}x${k}x${n} ${la} ${lb}`,
        );
      }
    }
  });

  it("gives the same bits whatever the operands' layouts (each packs into the same panels)", () => {
    // matmul.wat packs A and B from any strides into the same panels (row-major A and B^T four k at
    // a time through a 4x4 transpose, with k % 4 left over one at a time), and reads a row-major B
    // in place when m <= 128 unless its rows are a multiple of 1024 floats apart: every layout of
    // the same values must give the same products in the same order.
    const rng = seeded(17);
    for (const [m, k, n] of [
      [8, 9, 784],
      [16, 72, 196],
      [5, 301, 13],
      [128, 513, 20],
      [131, 67, 9],
      [64, 40, 1024],
      [3, 7, 1000],
    ] as const) {
      const a = Float32Array.from({ length: m * k }, () => (rng() - 0.5) * 6);
      const b = Float32Array.from({ length: k * n }, () => (rng() - 0.5) * 6);
      const what = `${m}x${k}x${n}`;
      const expected = wasmBackend.matmul(laidOut(a, m, k, 'dense'), laidOut(b, k, n, 'dense'), 'float32');
      expectNear(laidOut(a, m, k, 'dense'), laidOut(b, k, n, 'dense'), what);
      for (const la of ['dense', 'transposed', 'sliced'] as const) {
        for (const lb of ['dense', 'transposed', 'sliced'] as const) {
          const actual = wasmBackend.matmul(laidOut(a, m, k, la), laidOut(b, k, n, lb), 'float32');
          expect(actual, `${what}, A ${la}, B ${lb}`).toEqual(expected);
        }
      }
    }
  });

  it('converts int32 operands (float32 result) and leaves float64 and int32 results to the cpu kernel', () => {
    const rng = seeded(13);
    const a = randomMatrix(rng, [2], 6, 9, 'dense', { dtype: 'int32' });
    const b = randomMatrix(rng, [2], 9, 10, 'transposed');
    expectNear(a, b, 'int32 x float32');
    const c = randomMatrix(rng, [], 9, 10, 'dense', { dtype: 'int32' });
    const a0 = randomMatrix(rng, [], 6, 9, 'dense', { dtype: 'int32' });
    expect(wasmBackend.matmul(a0, c, 'int32')).toEqual(cpuBackend.matmul(a0, c, 'int32'));
    const d = randomMatrix(rng, [], 9, 10, 'sliced', { dtype: 'float64' });
    const e = randomMatrix(rng, [], 6, 9, 'transposed', { dtype: 'float64' });
    expect(wasmBackend.matmul(e, d, 'float64')).toEqual(cpuBackend.matmul(e, d, 'float64'));
  });

  it('gives zeros for k = 0 and an empty result for a zero-size dim', () => {
    const rng = seeded(14);
    const zeros = wasmBackend.matmul(
      randomMatrix(rng, [], 3, 0, 'dense'),
      randomMatrix(rng, [], 0, 5, 'dense'),
      'float32',
    );
    expect(Array.from(zeros)).toEqual(new Array(15).fill(0));
    const empty = wasmBackend.matmul(
      randomMatrix(rng, [0], 3, 4, 'dense'),
      randomMatrix(rng, [0], 4, 5, 'dense'),
      'float32',
    );
    expect(empty.length).toBe(0);
  });

  it('runs a product too large for one call as pieces of C, with the bits of products small enough for one', () => {
    // Over 8M floats of operands, result and scratch, C is computed in pieces over all of k; the
    // references are the same product cut differently (blocks of other widths, each one call): the
    // bits must agree, as every element is summed over the same k-slices in the same order.
    const rng = seeded(18);
    const blocks = (
      a: StridedView,
      b: StridedView,
      [m, n]: readonly [number, number],
      [rows, cols]: readonly [number, number],
    ): Float32Array => {
      const out = new Float32Array(m * n);
      for (let i0 = 0; i0 < m; i0 += rows) {
        for (let j0 = 0; j0 < n; j0 += cols) {
          const [h, w] = [Math.min(rows, m - i0), Math.min(cols, n - j0)];
          const ab = { ...a, shape: [h, a.shape[1]!], offset: a.offset + i0 * a.strides[0]! };
          const bb = { ...b, shape: [b.shape[0]!, w], offset: b.offset + j0 * b.strides[1]! };
          const piece = wasmBackend.matmul(ab, bb, 'float32');
          for (let i = 0; i < h; i++) out.set(piece.subarray(i * w, (i + 1) * w), (i0 + i) * n + j0);
        }
      }
      return out;
    };
    // A wide layer's forward (B a transposed weight) and its input gradient (B row-major, whose
    // column blocks are gathered row by row): cut into column blocks.
    const x = randomMatrix(rng, [], 64, 4096, 'dense');
    for (const layout of ['transposed', 'dense'] as const) {
      const w = randomMatrix(rng, [], 4096, 4096, layout);
      const what = `64x4096 by a 4096x4096 ${layout} weight`;
      const actual = wasmBackend.matmul(x, w, 'float32');
      expectSame(actual, blocks(x, w, [64, 4096], [64, 600]), what);
      // And against float64 sums, on a sample of elements (the whole product in TypeScript is slow).
      for (let t = 0; t < 40; t++) {
        const [i, j] = [int(rng, 0, 63), int(rng, 0, 4095)];
        let [sum, mass] = [0, 0];
        for (let p = 0; p < 4096; p++) {
          const term =
            x.storage[x.offset + i * 4096 + p]! *
            w.storage[w.offset + p * w.strides[0]! + j * w.strides[1]!]!;
          [sum, mass] = [sum + term, mass + Math.abs(term)];
        }
        expect(Math.abs(actual[i * 4096 + j]! - sum), `${what}: element ${i},${j}`).toBeLessThanOrEqual(
          4098 * 2 ** -24 * mass,
        );
      }
    }
    // A wide layer's weight gradient: small operands, a 64 MB result, cut into blocks of rows.
    const dy = randomMatrix(rng, [], 4096, 64, 'transposed');
    const dw = wasmBackend.matmul(dy, x, 'float32');
    expectSame(dw, blocks(dy, x, [4096, 4096], [900, 4096]), 'a 4096x64 transposed by 64x4096');
    // Batched against a broadcast weight, plus a bias: each entry one call, then the bias added.
    const a = randomMatrix(rng, [2], 300, 3000, 'dense', { special: true });
    const b = randomMatrix(rng, [2], 3000, 2000, 'sliced', { broadcast: true });
    const bias: StridedView = {
      storage: Float32Array.from({ length: 2000 }, () => value(rng, {})),
      shape: [2000],
      strides: [1],
      offset: 0,
    };
    const expected = new Float32Array(2 * 300 * 2000);
    for (let e = 0; e < 2; e++) {
      const entry = {
        ...a,
        shape: [300, 3000],
        strides: a.strides.slice(1),
        offset: a.offset + e * a.strides[0]!,
      };
      const weight = { ...b, shape: [3000, 2000], strides: b.strides.slice(1) };
      expected.set(wasmBackend.matmul(entry, weight, 'float32'), e * 300 * 2000);
    }
    addBiasRows(expected, 2000, bias);
    expectSame(
      wasmBackend.matmul(a, b, 'float32', bias),
      expected,
      'batched by a broadcast weight, plus a bias',
    );
  });

  it('runs a product whose k is too long to cut (over 64 MiB) in a memory of its own, then small ones again', () => {
    const rng = seeded(15);
    const long = 1_500_000; // 4·k + k·8 floats: 72 MB, and no 4x8 piece fits 16 MiB
    expectNear(
      randomMatrix(rng, [], 4, long, 'dense'),
      randomMatrix(rng, [], long, 8, 'transposed'),
      `4x${long}x8 (over 64 MiB, no piece fits)`,
    );
    expectNear(
      randomMatrix(rng, [], 5, 300, 'dense'),
      randomMatrix(rng, [], 300, 9, 'transposed'),
      'after it',
    );
  });

  it('adds a bias row as addBiasRows does, bit for bit, in wasm or not, on one thread or two', () => {
    const rng = seeded(17);
    const cases: [batch: number[], m: number, k: number, n: number, biasStride: number][] = [
      [[], 5, 7, 8, 1], // whole vectors: the bias goes in wasm
      [[], 64, 784, 256, 1], // the MLP suite's first layer: 12.8M multiply-adds, split over the threads
      [[2], 3, 5, 12, 1],
      [[], 5, 7, 10, 1], // rows are not whole vectors: added after the copy out
      [[], 6, 4, 8, 2], // a strided bias: the same
      [[], 256, 256, 256, 1], // 2^24 multiply-adds: split over the threads
    ];
    for (const [batch, m, k, n, biasStride] of cases) {
      const a = randomMatrix(rng, batch, m, k, 'dense', { special: true });
      const b = randomMatrix(rng, batch, k, n, 'transposed');
      const storage = Float32Array.from({ length: n * biasStride + 1 }, () => value(rng, { special: true }));
      const bias: StridedView = { storage, shape: [n], strides: [biasStride], offset: 1 };
      const expected = wasmBackend.matmul(a, b, 'float32') as Float32Array;
      addBiasRows(expected, n, bias);
      const actual = wasmBackend.matmul(a, b, 'float32', bias);
      const what = `${JSON.stringify(a.shape)} x ${JSON.stringify(b.shape)} + bias (stride ${biasStride})`;
      expect(actual, what).toEqual(expected);
      const mismatch = expected.findIndex((e, i) => !Object.is(e, actual[i]));
      expect(mismatch, what).toBe(-1);
    }
  });

  it('returns a fresh array each call, never a view of wasm memory', () => {
    const rng = seeded(16);
    const a = randomMatrix(rng, [], 8, 8, 'dense');
    const first = wasmBackend.matmul(a, a, 'float32');
    const copy = Float32Array.from(first);
    wasmBackend.matmul(randomMatrix(rng, [], 8, 8, 'dense'), a, 'float32');
    expect(first).toEqual(copy);
    expect(first.buffer.byteLength).toBe(first.byteLength);
  });
});
