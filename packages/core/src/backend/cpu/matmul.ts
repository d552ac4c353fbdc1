import { allocate, type DType, type TypedArray } from '../../dtype.js';
import type { StridedView } from '../backend.js';
import { elementOffsets } from './rows.js';

// A GotoBLAS-style product. A is packed into panels of MR rows and B into panels of NR columns, so
// the micro-kernel walks both with unit stride whatever the operands' strides (transposed views
// cost one strided copy, O(mk + kn), not a strided inner loop). K is cut into KC-deep slices and A
// into MC-row blocks so a B panel and an A block stay in cache. Every output element is summed in
// float64, in order of k, whatever the dtype: results do not depend on the blocking.
const MR = 4;
const NR = 4;
const KC = 256;
const MC = 128;

/** Rows, depth and columns of one product, and each operand's row and column strides. */
interface Gemm {
  readonly m: number;
  readonly k: number;
  readonly n: number;
  readonly ars: number;
  readonly acs: number;
  readonly brs: number;
  readonly bcs: number;
}

// A[i0 .. i0+mc, p0 .. p0+kc] as panels of MR rows: dst[(panel * kc + p) * MR + r]; rows past m are 0.
function packA(
  src: TypedArray,
  base: number,
  g: Gemm,
  i0: number,
  mc: number,
  p0: number,
  kc: number,
  dst: Float64Array,
): void {
  let o = 0;
  for (let ip = i0; ip < i0 + mc; ip += MR) {
    const rows = Math.min(MR, g.m - ip);
    for (let p = 0; p < kc; p++) {
      const at = base + ip * g.ars + (p0 + p) * g.acs;
      for (let r = 0; r < rows; r++) dst[o + r] = src[at + r * g.ars]!;
      for (let r = rows; r < MR; r++) dst[o + r] = 0;
      o += MR;
    }
  }
}

// B[p0 .. p0+kc, all columns] as panels of NR columns: dst[(panel * kc + p) * NR + c]; columns past n are 0.
function packB(src: TypedArray, base: number, g: Gemm, p0: number, kc: number, dst: Float64Array): void {
  let o = 0;
  for (let j0 = 0; j0 < g.n; j0 += NR) {
    const cols = Math.min(NR, g.n - j0);
    for (let p = 0; p < kc; p++) {
      const at = base + (p0 + p) * g.brs + j0 * g.bcs;
      for (let c = 0; c < cols; c++) dst[o + c] = src[at + c * g.bcs]!;
      for (let c = cols; c < NR; c++) dst[o + c] = 0;
      o += NR;
    }
  }
}

// C[4 x 4] at `co` (row stride ldc) = (C if `accumulate`, else 0) + A panel * B panel over kc. The
// sixteen sums live in locals (registers) for the whole k loop: one load of A and B per four
// multiply-adds instead of a load and a store of C per multiply-add. Written out by hand because V8
// neither unrolls nor vectorizes. `c` may be the output itself (any dtype): the sums are float64
// until this one store.
function kernel4x4(
  a: Float64Array,
  ao: number,
  b: Float64Array,
  bo: number,
  kc: number,
  c: TypedArray,
  co: number,
  ldc: number,
  accumulate: boolean,
): void {
  const r1 = co + ldc;
  const r2 = r1 + ldc;
  const r3 = r2 + ldc;
  let c00 = 0,
    c01 = 0,
    c02 = 0,
    c03 = 0,
    c10 = 0,
    c11 = 0,
    c12 = 0,
    c13 = 0;
  let c20 = 0,
    c21 = 0,
    c22 = 0,
    c23 = 0,
    c30 = 0,
    c31 = 0,
    c32 = 0,
    c33 = 0;
  if (accumulate) {
    c00 = c[co]!;
    c01 = c[co + 1]!;
    c02 = c[co + 2]!;
    c03 = c[co + 3]!;
    c10 = c[r1]!;
    c11 = c[r1 + 1]!;
    c12 = c[r1 + 2]!;
    c13 = c[r1 + 3]!;
    c20 = c[r2]!;
    c21 = c[r2 + 1]!;
    c22 = c[r2 + 2]!;
    c23 = c[r2 + 3]!;
    c30 = c[r3]!;
    c31 = c[r3 + 1]!;
    c32 = c[r3 + 2]!;
    c33 = c[r3 + 3]!;
  }
  for (let p = 0; p < kc; p++, ao += 4, bo += 4) {
    const a0 = a[ao]!,
      a1 = a[ao + 1]!,
      a2 = a[ao + 2]!,
      a3 = a[ao + 3]!;
    const b0 = b[bo]!,
      b1 = b[bo + 1]!,
      b2 = b[bo + 2]!,
      b3 = b[bo + 3]!;
    c00 += a0 * b0;
    c01 += a0 * b1;
    c02 += a0 * b2;
    c03 += a0 * b3;
    c10 += a1 * b0;
    c11 += a1 * b1;
    c12 += a1 * b2;
    c13 += a1 * b3;
    c20 += a2 * b0;
    c21 += a2 * b1;
    c22 += a2 * b2;
    c23 += a2 * b3;
    c30 += a3 * b0;
    c31 += a3 * b1;
    c32 += a3 * b2;
    c33 += a3 * b3;
  }
  c[co] = c00;
  c[co + 1] = c01;
  c[co + 2] = c02;
  c[co + 3] = c03;
  c[r1] = c10;
  c[r1 + 1] = c11;
  c[r1 + 2] = c12;
  c[r1 + 3] = c13;
  c[r2] = c20;
  c[r2 + 1] = c21;
  c[r2 + 2] = c22;
  c[r2 + 3] = c23;
  c[r3] = c30;
  c[r3 + 1] = c31;
  c[r3 + 2] = c32;
  c[r3 + 3] = c33;
}

/** Reusable packing buffers, grown on demand: small products run often (an MLP step, conv batches). */
interface Scratch {
  a: Float64Array;
  b: Float64Array;
  c: Float64Array;
}

const scratch: Scratch = { a: new Float64Array(0), b: new Float64Array(0), c: new Float64Array(0) };

// Buffers above this many elements (8 MB) are allocated per call, so one huge product does not
// pin its scratch memory for the life of the process.
const KEEP_LIMIT = 1 << 20;

function buffer(key: keyof Scratch, length: number): Float64Array {
  if (length > KEEP_LIMIT) return new Float64Array(length);
  if (scratch[key].length < length) {
    scratch[key] = new Float64Array(Math.min(KEEP_LIMIT, Math.max(length, 2 * scratch[key].length)));
  }
  return scratch[key];
}

/**
 * Packing buffers for one call, and which operand offsets they hold (-1: none), so a broadcast
 * operand (a conv weight repeated over the batch) is packed once. Only a product of one k-slice
 * (and, for A, one row block) leaves its whole operand packed.
 */
interface Work {
  readonly pa: Float64Array;
  readonly pb: Float64Array;
  a: number;
  b: number;
}

function workFor(g: Gemm): Work {
  const kc = Math.min(KC, g.k);
  const pa = buffer('a', Math.min(MC, Math.ceil(g.m / MR) * MR) * kc);
  const pb = buffer('b', Math.ceil(g.n / NR) * NR * kc);
  return { pa, pb, a: -1, b: -1 };
}

// One product into out[outBase ..], rows of n. With a single k-slice the tiles go straight to `out`
// (edge tiles through a 4 x 4 scratch); with several, sums build up in a float64 C padded to whole
// tiles and are copied out at the end.
function gemmBlocked(
  a: TypedArray,
  aBase: number,
  b: TypedArray,
  bBase: number,
  g: Gemm,
  out: TypedArray,
  outBase: number,
  w: Work,
): void {
  const { m, k, n } = g;
  const nPad = Math.ceil(n / NR) * NR;
  const mPad = Math.ceil(m / MR) * MR;
  const direct = k <= KC;
  const c = direct ? out : buffer('c', mPad * nPad);
  const [cBase, ldc] = direct ? [outBase, n] : [0, nPad];
  const [reuseA, reuseB] = [w.a === aBase, w.b === bBase];
  w.a = direct && mPad <= MC ? aBase : -1;
  w.b = direct ? bBase : -1;
  for (let p0 = 0; p0 < k; p0 += KC) {
    const kc = Math.min(KC, k - p0);
    if (!reuseB) packB(b, bBase, g, p0, kc, w.pb);
    for (let i0 = 0; i0 < m; i0 += MC) {
      const mc = Math.min(MC, mPad - i0);
      if (!reuseA) packA(a, aBase, g, i0, mc, p0, kc, w.pa);
      for (let j0 = 0; j0 < nPad; j0 += NR) {
        for (let i = i0; i < i0 + mc; i += MR) {
          const ao = (i - i0) * kc;
          if (direct && (i + MR > m || j0 + NR > n)) edgeTile(w, ao, j0 * kc, kc, g, out, outBase, i, j0);
          else kernel4x4(w.pa, ao, w.pb, j0 * kc, kc, c, cBase + i * ldc + j0, ldc, p0 > 0);
        }
      }
    }
  }
  for (let i = 0; !direct && i < m; i++) {
    for (let j = 0, o = outBase + i * n, q = i * nPad; j < n; j++) out[o + j] = c[q + j]!;
  }
}

const tile = new Float64Array(MR * NR);

// A tile that hangs over the last rows or columns: computed whole, stored in part.
function edgeTile(
  w: Work,
  ao: number,
  bo: number,
  kc: number,
  g: Gemm,
  out: TypedArray,
  outBase: number,
  i: number,
  j: number,
): void {
  kernel4x4(w.pa, ao, w.pb, bo, kc, tile, 0, NR, false);
  const rows = Math.min(MR, g.m - i);
  const cols = Math.min(NR, g.n - j);
  for (let r = 0; r < rows; r++) {
    for (let q = 0; q < cols; q++) out[outBase + (i + r) * g.n + j + q] = tile[r * NR + q]!;
  }
}

// Products with fewer than MR rows or NR columns (dot products, matrix-vector): a micro-tile would
// be mostly padding, so each output row is summed directly, still in float64 and in order of k.
function gemmThin(
  a: TypedArray,
  aBase: number,
  b: TypedArray,
  bBase: number,
  g: Gemm,
  out: TypedArray,
  outBase: number,
): void {
  const { m, k, n, ars, acs, brs, bcs } = g;
  const row = buffer('c', n);
  for (let i = 0; i < m; i++) {
    row.fill(0, 0, n);
    for (let p = 0; p < k; p++) {
      const aip = a[aBase + i * ars + p * acs]!;
      for (let j = 0, q = bBase + p * brs; j < n; j++, q += bcs) row[j]! += aip * b[q]!;
    }
    for (let j = 0; j < n; j++) out[outBase + i * n + j] = row[j]!;
  }
}

/**
 * Adds `bias` (n elements) to each n-element row of the fresh product `out`, in place: no broadcast
 * kernel and no second output array. Each sum is rounded once to out's dtype, as an add kernel's.
 */
export function addBiasRows(out: TypedArray, n: number, bias: StridedView): void {
  const b = bias.storage;
  const bo = bias.offset;
  const bs = bias.strides[0]!;
  for (let row = 0; row < out.length; row += n) {
    for (let j = 0; j < n; j++) out[row + j] = out[row + j]! + b[bo + j * bs]!;
  }
}

export function matmul(a: StridedView, b: StridedView, outDtype: DType, bias?: StridedView): TypedArray {
  const nd = a.shape.length;
  const g: Gemm = {
    m: a.shape[nd - 2]!,
    k: a.shape[nd - 1]!,
    n: b.shape[nd - 1]!,
    ars: a.strides[nd - 2]!,
    acs: a.strides[nd - 1]!,
    brs: b.strides[nd - 2]!,
    bcs: b.strides[nd - 1]!,
  };
  const batchShape = a.shape.slice(0, nd - 2);
  const aOffsets = elementOffsets(batchShape, a.strides.slice(0, nd - 2), a.offset);
  const bOffsets = elementOffsets(batchShape, b.strides.slice(0, nd - 2), b.offset);
  const out = allocate(outDtype, aOffsets.length * g.m * g.n);
  const thin = g.m < MR || g.n < NR;
  const work = thin ? null : workFor(g);
  for (let t = 0; t < aOffsets.length; t++) {
    const [ao, bo, oo] = [aOffsets[t]!, bOffsets[t]!, t * g.m * g.n];
    if (work) gemmBlocked(a.storage, ao, b.storage, bo, g, out, oo, work);
    else gemmThin(a.storage, ao, b.storage, bo, g, out, oo);
  }
  if (bias) addBiasRows(out, g.n, bias);
  return out;
}
