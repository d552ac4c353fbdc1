// The CPU kernels have fast paths (dense, scalar and bias broadcasts, last-dim and leading-dim
// reductions, packed matmul, stride-1 unfold). Each is checked here against a naive reference that
// walks every output index, on random strided inputs: transposed, sliced, expanded (stride 0),
// offset and zero-size. The references sum in the same order as the kernels, so results must match
// exactly, not just closely.
import { describe, expect, it } from 'vitest';
import type { BinaryOp, ReduceOp, StridedView, UnaryOp } from '../src/backend/backend.js';
import { cpuBackend as cpu } from '../src/backend/cpu/index.js';
import { BINARY, UNARY } from '../src/backend/cpu/loops.js';
import { allocate, type DType, type TypedArray } from '../src/dtype.js';
import { expectSame, int, pick, type Rng, seeded } from './seeded.js';
import { eachWindow, indices, randomGeometry, randomShape, randomView, read } from './strided-views.js';

// Exact equality, NaN equal to NaN and -0 distinct from 0 (Object.is).
const sizeOf = (shape: readonly number[]): number => shape.reduce((n, d) => n * d, 1);

/** A shape that broadcasts to `out`: leading dims dropped, some dims made 1. */
function broadcastable(rng: Rng, out: readonly number[]): number[] {
  const r = rng();
  if (r < 0.15) return [];
  if (r < 0.45) return [...out];
  const drop = int(rng, 0, out.length);
  return out.slice(drop).map((d) => (rng() < 0.3 ? 1 : d));
}

const FLOATS: DType[] = ['float32', 'float64'];
const UNARY_OPS = Object.keys(UNARY) as UnaryOp[];
const BINARY_OPS = Object.keys(BINARY) as BinaryOp[];

describe('cpu elementwise kernels', () => {
  it('unary matches the reference on every op and layout', () => {
    const rng = seeded(1);
    for (let trial = 0; trial < 400; trial++) {
      const op = UNARY_OPS[trial % UNARY_OPS.length]!;
      const dtype = pick(rng, FLOATS);
      const x = randomView(rng, randomShape(rng), dtype, true);
      // clamp: bounds in order, reversed (max wins), or absent (NaN).
      const [p0, p1] =
        op === 'clamp' ? [pick(rng, [-1, 1, Number.NaN]), pick(rng, [1, 0, Number.NaN])] : [0.1, 0];
      const expected = allocate(dtype, sizeOf(x.shape));
      let o = 0;
      for (const idx of indices(x.shape)) expected[o++] = UNARY[op](read(x, idx), p0, p1);
      expectSame(cpu.unary(op, x, dtype, p0, p1), expected, `unary ${op} ${JSON.stringify(x.shape)}`);
    }
  });

  it('binary matches the reference with broadcasting, scalars and bias shapes', () => {
    const rng = seeded(2);
    for (let trial = 0; trial < 600; trial++) {
      const op = BINARY_OPS[trial % BINARY_OPS.length]!;
      const dtype = pick(rng, FLOATS);
      const out = randomShape(rng);
      const [sa, sb] = rng() < 0.5 ? [out, broadcastable(rng, out)] : [broadcastable(rng, out), out];
      const a = randomView(rng, sa, dtype, true);
      const b = randomView(rng, sb, dtype, true);
      const expected = allocate(dtype, sizeOf(out));
      let o = 0;
      for (const idx of indices(out)) expected[o++] = BINARY[op](read(a, idx), read(b, idx));
      const what = `binary ${op} ${JSON.stringify(sa)} ${JSON.stringify(sb)}`;
      expectSame(cpu.binary(op, a, b, out, dtype), expected, what);
    }
  });

  it('binary writes int32 and mixed dtypes as the reference does', () => {
    const rng = seeded(3);
    for (let trial = 0; trial < 100; trial++) {
      const op = BINARY_OPS[trial % BINARY_OPS.length]!;
      const out = randomShape(rng, 3);
      const a = randomView(rng, out, 'int32');
      const b = randomView(rng, broadcastable(rng, out), pick(rng, ['int32', 'float32'] as DType[]));
      const outDtype: DType = op === 'div' || op === 'pow' ? 'float32' : 'int32';
      const expected = allocate(outDtype, sizeOf(out));
      let o = 0;
      for (const idx of indices(out)) expected[o++] = BINARY[op](read(a, idx), read(b, idx));
      expectSame(cpu.binary(op, a, b, out, outDtype), expected, `binary int32 ${op}`);
    }
  });

  it('select and copy match the reference', () => {
    const rng = seeded(4);
    for (let trial = 0; trial < 200; trial++) {
      const dtype = pick(rng, FLOATS);
      const out = randomShape(rng);
      const cond = randomView(rng, broadcastable(rng, out), dtype, true);
      const a = randomView(rng, broadcastable(rng, out), dtype);
      const b = randomView(rng, out, dtype);
      const expected = allocate(dtype, sizeOf(out));
      let o = 0;
      for (const idx of indices(out)) expected[o++] = read(cond, idx) !== 0 ? read(a, idx) : read(b, idx);
      expectSame(cpu.select(cond, a, b, out, dtype), expected, 'select');

      const dst = randomView(rng, out, dtype);
      if (dst.strides.some((s, d) => s === 0 && out[d]! > 1)) continue; // a copy target cannot alias
      cpu.copy(b, dst);
      const copied = Array.from(indices(out), (idx) => read(dst, idx));
      expectSame(
        copied,
        Array.from(indices(out), (idx) => read(b, idx)),
        'copy',
      );
    }
  });
});

function referenceReduce(op: ReduceOp, x: StridedView, dims: readonly number[], dtype: DType): TypedArray {
  const keptDims = x.shape.map((_, d) => d).filter((d) => !dims.includes(d));
  const out = allocate(dtype, sizeOf(keptDims.map((d) => x.shape[d]!)));
  let o = 0;
  for (const kept of indices(keptDims.map((d) => x.shape[d]!))) {
    let acc = op === 'sum' ? 0 : op === 'max' ? -Infinity : Infinity;
    const full = new Array<number>(x.shape.length).fill(0);
    keptDims.forEach((d, i) => {
      full[d] = kept[i]!;
    });
    for (const red of indices(dims.map((d) => x.shape[d]!))) {
      dims.forEach((d, i) => {
        full[d] = red[i]!;
      });
      const v = read(x, full);
      if (op === 'sum') acc += v;
      else if (Number.isNaN(v) || (op === 'max' ? v > acc : v < acc)) acc = v;
    }
    out[o++] = acc;
  }
  return out;
}

describe('cpu reduce kernel', () => {
  it('matches the reference over every subset of dims, on every layout', () => {
    const rng = seeded(5);
    for (let trial = 0; trial < 600; trial++) {
      const op = pick(rng, ['sum', 'sum', 'max', 'min'] as ReduceOp[]);
      const dtype = pick(rng, FLOATS);
      const shape = randomShape(rng, 4, 6);
      const dims = shape.map((_, d) => d).filter(() => rng() < 0.5);
      const x = randomView(rng, shape, dtype, rng() < 0.3);
      const empty = dims.some((d) => shape[d] === 0) && sizeOf(shape.filter((_, d) => !dims.includes(d))) > 0;
      if (empty && op !== 'sum') continue; // max/min over nothing throws: tested with the ops
      const what = `reduce ${op} ${JSON.stringify(shape)} over ${JSON.stringify(dims)}`;
      expectSame(cpu.reduce(op, x, dims, dtype), referenceReduce(op, x, dims, dtype), what);
    }
  });

  it('sums a float32 tensor in float64, like the reference', () => {
    const x = { storage: new Float32Array(3000).fill(0.1), shape: [1000, 3], strides: [3, 1], offset: 0 };
    for (const dims of [[0], [1], [0, 1]]) {
      expectSame(
        cpu.reduce('sum', x, dims, 'float32'),
        referenceReduce('sum', x, dims, 'float32'),
        'sum f32',
      );
    }
  });
});

function referenceMatmul(a: StridedView, b: StridedView, dtype: DType): TypedArray {
  const nd = a.shape.length;
  const [m, k, n] = [a.shape[nd - 2]!, a.shape[nd - 1]!, b.shape[nd - 1]!];
  const batch = a.shape.slice(0, nd - 2);
  const out = allocate(dtype, sizeOf(batch) * m * n);
  let o = 0;
  for (const t of indices(batch)) {
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let acc = 0;
        for (let p = 0; p < k; p++) acc += read(a, [...t, i, p]) * read(b, [...t, p, j]);
        out[o++] = acc;
      }
    }
  }
  return out;
}

describe('cpu matmul kernel', () => {
  it('matches the reference on small, tail and multi-block sizes with any strides', () => {
    const rng = seeded(6);
    const sizes = [0, 1, 2, 3, 4, 5, 7, 8, 9, 13];
    for (let trial = 0; trial < 300; trial++) {
      const dtype = pick(rng, FLOATS);
      const batch = randomShape(rng, 2, 3);
      const [m, k, n] = [pick(rng, sizes), pick(rng, sizes), pick(rng, sizes)];
      const a = randomView(rng, [...batch, m, k], dtype, rng() < 0.2);
      const b = randomView(rng, [...batch, k, n], dtype, rng() < 0.2);
      const what = `matmul ${JSON.stringify(a.shape)} x ${JSON.stringify(b.shape)}`;
      expectSame(cpu.matmul(a, b, dtype), referenceMatmul(a, b, dtype), what);
    }
  });

  it('matches the reference across cache-block edges (k > 256, m > 128) and transposed operands', () => {
    const rng = seeded(7);
    for (const [m, k, n] of [
      [131, 37, 6],
      [5, 300, 9],
      [130, 513, 5],
    ] as const) {
      for (const dtype of FLOATS) {
        const a = randomView(rng, [m, k], dtype);
        const b = randomView(rng, [k, n], dtype);
        expectSame(cpu.matmul(a, b, dtype), referenceMatmul(a, b, dtype), `matmul ${m}x${k}x${n}`);
      }
    }
  });

  it('matches the reference when one operand is broadcast over the batch (packed once, reused)', () => {
    const rng = seeded(10);
    for (const [m, k, n] of [
      [8, 9, 13],
      [16, 72, 20],
      [6, 300, 5],
    ] as const) {
      for (const side of ['a', 'b', 'both'] as const) {
        const expand = (v: StridedView): StridedView => ({
          ...v,
          shape: [3, ...v.shape.slice(1)],
          strides: [0, ...v.strides.slice(1)],
        });
        const a0 = randomView(rng, [side === 'b' ? 3 : 1, m, k], 'float64');
        const b0 = randomView(rng, [side === 'a' ? 3 : 1, k, n], 'float64');
        const a = side === 'b' ? a0 : expand(a0);
        const b = side === 'a' ? b0 : expand(b0);
        expectSame(cpu.matmul(a, b, 'float32'), referenceMatmul(a, b, 'float32'), `matmul broadcast ${side}`);
      }
    }
  });

  it('propagates NaN from 0 * Infinity as IEEE arithmetic does', () => {
    const a = { storage: new Float64Array([0, 0, 0, 0]), shape: [4, 1], strides: [1, 1], offset: 0 };
    const b = { storage: new Float64Array([Infinity, 1, 2, 3]), shape: [1, 4], strides: [4, 1], offset: 0 };
    expect(Array.from(cpu.matmul(a, b, 'float64')).slice(0, 4)).toEqual([Number.NaN, 0, 0, 0]);
  });
});

describe('cpu unfold and fold kernels', () => {
  it('unfold matches the reference for any stride, padding, dilation and input layout', () => {
    const rng = seeded(8);
    for (let trial = 0; trial < 300; trial++) {
      const g = randomGeometry(rng);
      const dtype = pick(rng, FLOATS);
      const x = randomView(rng, [g.batch, g.channels, g.height, g.width], dtype);
      const padValue = pick(rng, [0, Number.NEGATIVE_INFINITY]);
      const expected = allocate(
        dtype,
        g.batch * g.channels * g.kernel[0] * g.kernel[1] * g.outHeight * g.outWidth,
      );
      eachWindow(g, (col, n, c, y, xx) => {
        const inside = y >= 0 && y < g.height && xx >= 0 && xx < g.width;
        expected[col] = inside ? read(x, [n, c, y, xx]) : padValue;
      });
      expectSame(cpu.unfold(x, g, padValue, dtype), expected, `unfold ${JSON.stringify(g)}`);
    }
  });

  it('fold sums columns of any layout back in the reference order', () => {
    const rng = seeded(9);
    for (let trial = 0; trial < 300; trial++) {
      const g = randomGeometry(rng);
      const dtype = pick(rng, FLOATS);
      const rows = g.channels * g.kernel[0] * g.kernel[1];
      // Columns in any layout: the kernel reads them in row-major order whatever their strides.
      const cols = randomView(rng, [g.batch, rows, g.outHeight * g.outWidth], dtype);
      const expected = allocate(dtype, g.batch * g.channels * g.height * g.width);
      eachWindow(g, (col, n, c, y, x) => {
        if (y >= 0 && y < g.height && x >= 0 && x < g.width) {
          const l = g.outHeight * g.outWidth;
          expected[((n * g.channels + c) * g.height + y) * g.width + x]! += read(cols, [
            n,
            Math.floor(col / l) % rows,
            col % l,
          ]);
        }
      });
      expectSame(cpu.fold(cols, g, dtype), expected, `fold ${JSON.stringify(g)}`);
    }
  });
});
