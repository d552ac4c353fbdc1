import { allocateUnfilled, type DType, type TypedArray } from '../../dtype.js';
import { type Shape, sizeOf } from '../../shape.js';
import type { BinaryOp, StridedView, UnaryOp } from '../backend.js';
import { binary as cpuBinary, unary as cpuUnary } from '../cpu/elementwise.js';
import { planFlat } from '../cpu/rows.js';
import { copyIn, denseF32, F32, inWasm, sliceOut } from './call.js';

// Float32 elementwise ops run in elementwise.wat when each operand is dense over its own shape
// (broadcasts included: a bias row, a per-channel column, a scalar): the operands are block-copied
// in, computed four lanes at a time, one call per run of the broadcast walk, and the result copied
// out. That beats the TypeScript loops (one typed-array element at a time) 3-4x from about 512
// elements up. Everything else (other dtypes, strided views, short runs, transcendental ops, small
// tensors, where the copies and calls cost more than they save) runs the cpu kernels. The results
// are the same bit for bit either way (see elementwise.wat).

/** Op codes of elementwise.wat's `binary`. */
const BINARY_CODES: Partial<Record<BinaryOp, number>> = {
  add: 0,
  sub: 1,
  mul: 2,
  div: 3,
  eq: 4,
  ne: 5,
  lt: 6,
  le: 7,
  gt: 8,
  ge: 9,
  reluGrad: 10,
};

/** The op with its operands swapped, for a broadcast left operand: `s < x` is `x > s`. */
const MIRRORED: Partial<Record<BinaryOp, BinaryOp>> = {
  add: 'add',
  mul: 'mul',
  eq: 'eq',
  ne: 'ne',
  lt: 'gt',
  le: 'ge',
  gt: 'lt',
  ge: 'le',
};

/** Op codes of elementwise.wat's `unary`. */
const UNARY_CODES: Partial<Record<UnaryOp, number>> = { relu: 0, neg: 1, abs: 2, square: 3, sqrt: 4 };

// Measured crossovers: below MIN elements, or runs shorter than MIN_RUN, the TypeScript loop is as
// fast as the copies and calls; above MAX, three copies would not fit the kept memory, so a flat
// walk (one run: same-shape operands, or a scalar) goes through wasm CHUNK elements at a time.
const MIN = 512;
const MIN_RUN = 32;
const MAX = 4 << 20;
const CHUNK = 1 << 20;

/**
 * The walk of `binary` over `outShape` as runs of `inner` elements, when wasm can take it: each
 * operand dense, `a` stepping through each run (stride 1) and `b` stepping (1) or fixed (0).
 * Operands are swapped (and the op mirrored) when only `a` is fixed; null means the cpu kernel.
 */
function plan(op: BinaryOp, a: StridedView, b: StridedView, outShape: Shape) {
  if (!denseF32(a) || !denseF32(b)) return null;
  const p = planFlat(outShape, [a, b]);
  const [sa, sb] = p.innerStrides as [number, number];
  if (p.inner < MIN_RUN && p.rows > 1) return null;
  if (sa === 1 && (sb === 1 || sb === 0))
    return { ...p, op, a, b, sb, aBases: p.bases[0]!, bBases: p.bases[1]! };
  const mirrored = MIRRORED[op];
  if (sa !== 0 || sb !== 1 || mirrored === undefined) return null;
  return { ...p, op: mirrored, a: b, b: a, sb: sa, aBases: p.bases[1]!, bBases: p.bases[0]! };
}

// The calls into wasm live in functions of their own: a closure in the entry points would give
// every call a heap context, small 0-d ops included, which never reach wasm.

export function binary(
  op: BinaryOp,
  a: StridedView,
  b: StridedView,
  outShape: Shape,
  outDtype: DType,
): TypedArray {
  const n = sizeOf(outShape);
  const p =
    BINARY_CODES[op] === undefined || outDtype !== 'float32' || n < MIN ? null : plan(op, a, b, outShape);
  const result =
    p === null ? null : n <= MAX ? binaryInWasm(p, n) : p.rows === 1 ? binaryInChunks(p, n) : null;
  return result ?? cpuBinary(op, a, b, outShape, outDtype);
}

// One run of n > MAX elements (same-shape operands, or a scalar b), CHUNK elements per call.
function binaryInChunks(p: NonNullable<ReturnType<typeof plan>>, n: number): Float32Array | null {
  const out = allocateUnfilled('float32', n) as Float32Array;
  const code = BINARY_CODES[p.op]!;
  const [a0, b0] = [p.aBases[0]!, p.bBases[0]!];
  for (let start = 0; start < n; start += CHUNK) {
    const len = Math.min(CHUNK, n - start);
    const done = inWasm([len, p.sb === 0 ? 4 : len, len], (kernels, mem, [atA, atB, atOut]) => {
      copyIn(mem, atA, p.a, len, a0 + start);
      if (p.sb === 0) mem.fill(p.b.storage[b0]!, atB, atB + 4);
      else copyIn(mem, atB, p.b, len, b0 + start);
      kernels.elementwise.binary(code, atA * F32, atB * F32, p.sb * 16, atOut * F32, len);
      out.set(mem.subarray(atOut, atOut + len), start);
      return true;
    });
    if (done === null) return null;
  }
  return out;
}

function binaryInWasm(p: NonNullable<ReturnType<typeof plan>>, n: number): Float32Array | null {
  // Regions: a, b, four copies of b's value for a fixed-b run, the output.
  const [sizeA, sizeB] = [sizeOf(p.a.shape), sizeOf(p.b.shape)];
  const code = BINARY_CODES[p.op]!;
  return inWasm([sizeA, sizeB, 4, n], (kernels, mem, [atA, atB, atSplat, atOut]) => {
    copyIn(mem, atA, p.a, sizeA);
    copyIn(mem, atB, p.b, sizeB);
    for (let r = 0; r < p.rows; r++) {
      const at = atA + p.aBases[r]! - p.a.offset;
      let bAt = atB + p.bBases[r]! - p.b.offset;
      if (p.sb === 0) {
        mem.fill(mem[bAt]!, atSplat, atSplat + 4);
        bAt = atSplat;
      }
      kernels.elementwise.binary(code, at * F32, bAt * F32, p.sb * 16, (atOut + r * p.inner) * F32, p.inner);
    }
    return sliceOut(mem, atOut, n);
  });
}

export function unary(op: UnaryOp, x: StridedView, outDtype: DType, p0 = 0, p1 = 0): TypedArray {
  const n = sizeOf(x.shape);
  const code = UNARY_CODES[op];
  const fits = code !== undefined && outDtype === 'float32' && n >= MIN && denseF32(x);
  return (fits ? unaryInWasm(code, x, n) : null) ?? cpuUnary(op, x, outDtype, p0, p1);
}

// Up to MAX elements in one call, CHUNK at a time beyond.
function unaryInWasm(code: number, x: StridedView, n: number): Float32Array | null {
  const out = n <= MAX ? null : (allocateUnfilled('float32', n) as Float32Array);
  const step = out === null ? n : CHUNK;
  for (let start = 0; start < n; start += step) {
    const len = Math.min(step, n - start);
    const done = inWasm([len, len], (kernels, mem, [atX, atOut]) => {
      copyIn(mem, atX, x, len, x.offset + start);
      kernels.elementwise.unary(code, atX * F32, atOut * F32, len);
      if (out === null) return sliceOut(mem, atOut, len);
      out.set(mem.subarray(atOut, atOut + len), start);
      return out;
    });
    if (done === null || out === null) return done;
  }
  return out;
}
