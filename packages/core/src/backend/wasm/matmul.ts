import { allocateUnfilled, type DType, type TypedArray } from '../../dtype.js';
import type { StridedView } from '../backend.js';
import { addBiasRows, matmul as cpuMatmul } from '../cpu/matmul.js';
import { elementOffsets } from '../cpu/rows.js';
import { copyIn, denseF32, F32, fitsKept, inWasm, KEPT_FLOATS, layout, sliceOut } from './call.js';
import {
  type Layout,
  type Placed,
  type RunningProduct,
  runningMatmul,
  threadedMatmul,
} from './matmul-threads.js';

// float32 products run in matmul.wat; float64 and int32 results stay on the TypeScript kernel, which
// sums in float64. Operands reach wasm memory in one of two ways: a float32 view whose elements fill
// most of the storage range they span (dense, transposed, a row slice, a batch-broadcast weight) is
// copied as that range in one block copy, keeping its strides, so matmul.wat's packing does the
// strided reads; any other view (another dtype, a sparse slice) is gathered densely, row-major.

const KC = 256; // matmul.wat's k-slice and row-block sizes: its packing buffers are sized from them
const MC = 128;
/** Columns from which a gathered operand's contiguous rows are block-copied rather than element by element. */
const MIN_RUN = 16;

/**
 * Floats of the scratch regions matmul.wat's `gemm` needs for products `n` columns wide: A's
 * packing block, B's packing panels, and the 4x8 edge tile.
 */
export function gemmScratch(n: number): readonly [number, number, number] {
  return [MC * KC, KC * Math.ceil(n / 8) * 8, 32];
}
// Products of at least this many multiply-adds (m·n·k over the batch; the MLP suite's 64·784·256 is
// 1.5x it) are split across threads where backend/threads has them: below it, placing the operands
// in shared memory and waking a helper cost more than the helper saves (64·256·128 took 144 µs on
// two threads against 107 on one, on a 2-core VM).
const THREAD_WORK = 1 << 23;

/** One operand `[...batch, rows, cols]` and how it is laid into wasm memory. */
interface Operand {
  readonly view: StridedView;
  readonly offsets: Int32Array;
  readonly rows: number;
  readonly cols: number;
  readonly rs: number;
  readonly cs: number;
  /** Copy the storage range [lo, lo + length) as is (true), or gather `length` elements (false). */
  readonly copy: boolean;
  readonly lo: number;
  readonly length: number;
}

function operand(view: StridedView, batchShape: readonly number[]): Operand {
  const nd = view.shape.length;
  const [rows, cols] = [view.shape[nd - 2]!, view.shape[nd - 1]!];
  const [rs, cs] = [view.strides[nd - 2]!, view.strides[nd - 1]!];
  const offsets = elementOffsets(batchShape, view.strides.slice(0, nd - 2), view.offset);
  const [rLo, rHi] = rs < 0 ? [(rows - 1) * rs, 0] : [0, (rows - 1) * rs];
  const [cLo, cHi] = cs < 0 ? [(cols - 1) * cs, 0] : [0, (cols - 1) * cs];
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const o of offsets) {
    lo = Math.min(lo, o + rLo + cLo);
    hi = Math.max(hi, o + rHi + cHi);
  }
  const count = offsets.length * rows * cols;
  const copy = view.storage instanceof Float32Array && hi - lo + 1 <= 2 * count + 64;
  return { view, offsets, rows, cols, rs, cs, copy, lo, length: copy ? hi - lo + 1 : count };
}

/** Writes `op` into `mem` at float index `at`; returns each batch entry's byte address and strides. */
function place(op: Operand, mem: Float32Array, at: number): Placed {
  const { view, offsets, rows, cols } = op;
  const bases = new Int32Array(offsets.length);
  if (op.copy) {
    mem.set(view.storage.subarray(op.lo, op.lo + op.length), at);
    for (let t = 0; t < offsets.length; t++) bases[t] = (at + offsets[t]! - op.lo) * F32;
    return { bases, rs: op.rs, cs: op.cs };
  }
  const src = view.storage;
  // Rows that are runs in the storage (a block of columns of a wider matrix) are block-copied.
  const runs = op.cs === 1 && cols >= MIN_RUN;
  let o = at;
  for (let t = 0; t < offsets.length; t++) {
    bases[t] = o * F32;
    for (let i = 0; i < rows; i++) {
      const p0 = offsets[t]! + i * op.rs;
      if (runs) {
        copyIn(mem, o, view, cols, p0);
        o += cols;
      } else for (let j = 0, p = p0; j < cols; j++, p += op.cs) mem[o++] = src[p]!;
    }
  }
  return { bases, rs: cols, cs: 1 };
}

/** The sizes of the product of `a` `[...batch, m, k]` and `b` `[...batch, k, n]`. */
function productDims(a: StridedView, b: StridedView) {
  const nd = a.shape.length;
  const [m, k, n] = [a.shape[nd - 2]!, a.shape[nd - 1]!, b.shape[nd - 1]!];
  const batchShape = a.shape.slice(0, nd - 2);
  let batch = 1;
  for (const d of batchShape) batch *= d;
  return { batchShape, batch, m, k, n };
}

/**
 * Batched float32 product in WebAssembly, plus `bias` on every row when given; other dtypes, and
 * runtimes without SIMD, use the cpu kernel.
 */
export function matmul(a: StridedView, b: StridedView, outDtype: DType, bias?: StridedView): TypedArray {
  const { batchShape, batch, m, k, n } = productDims(a, b);
  if (outDtype !== 'float32' || batch * m * n === 0 || k === 0) return cpuMatmul(a, b, outDtype, bias);
  const [opA, opB] = [operand(a, batchShape), operand(b, batchShape)];
  return productInWasm(opA, opB, batch, m, k, n, bias ?? null) ?? cpuMatmul(a, b, outDtype, bias);
}

// Two products of PAIR_WORK multiply-adds or more, each below THREAD_WORK (so each would run on one
// thread), run at once: the second on the helpers while the caller computes the first, which
// otherwise left the helper idle through a hidden layer's two gradients (at 64·256·128 each, the
// MLP suite's second layer: about 100 µs apiece on one thread of a 2-core VM).
const PAIR_WORK = 1 << 20;

/** Whether the product of `a` and `b` is one a pair overlaps (see PAIR_WORK). */
function pairable(a: StridedView, b: StridedView): boolean {
  const { batch, m, k, n } = productDims(a, b);
  const work = batch * m * n * k;
  return work >= PAIR_WORK && work < THREAD_WORK;
}

/**
 * The products `a·b` and `c·d` (no bias), as `matmul` gives them, bit for bit: where both are of a
 * size to pair (float32, PAIR_WORK up to THREAD_WORK), `c·d` runs on the helper threads while this
 * thread computes `a·b`.
 */
export function matmulPair(
  a: StridedView,
  b: StridedView,
  c: StridedView,
  d: StridedView,
  outDtype: DType,
): readonly [TypedArray, TypedArray] {
  const later = outDtype === 'float32' && pairable(a, b) && pairable(c, d) ? runningProduct(c, d) : null;
  const first = matmul(a, b, outDtype);
  return [first, later === null ? matmul(c, d, outDtype) : later.take()];
}

/** The product of `c` and `d` left running on the helpers, or null where they cannot take it. */
function runningProduct(c: StridedView, d: StridedView): RunningProduct | null {
  const { batchShape, batch, m, n } = productDims(c, d);
  const [opA, opB] = [operand(c, batchShape), operand(d, batchShape)];
  const sizes = regions(opA, opB, batch, m, n, null);
  return fitsKept(sizes) ? runningMatmul(threadLayout(opA, opB, sizes, null)) : null;
}

// A product whose operands, result and scratch exceed KEPT_FLOATS would need a wasm memory of its
// own for the call (its pages faulted in anew each time) and too much for the threads' shared
// memory, so it would run on one thread: at 64·4096·4096 (a 4096-wide MLP's layer) 3-8 GFLOP/s.
// It runs instead as pieces of C that each fit PIECE_FLOATS, every piece a whole product of its
// rows of A and columns of B over all of k (threaded where large enough): each element of C is
// summed over the same k-slices in the same order as in one call, so the bits are the same.
const PIECE_FLOATS = KEPT_FLOATS / 2;

/**
 * Rows and columns of C per piece: the side with more of them halved, rows on a tie (a piece of
 * whole rows of C is copied into the result in one block), in whole 4-row and 8-column panels,
 * until a piece's rows of A, columns of B, itself and gemm's scratch fit PIECE_FLOATS; null where
 * even a 4x8 piece does not (k alone is too long).
 */
function pieceShape(m: number, k: number, n: number): readonly [number, number] | null {
  let [rows, cols] = [m, n];
  const floats = () => rows * k + k * cols + rows * cols + gemmScratch(cols).reduce((x, y) => x + y);
  while (floats() > PIECE_FLOATS) {
    if (cols > rows && cols > 8) cols = Math.ceil(cols / 16) * 8;
    else if (rows > 4) rows = Math.ceil(rows / 8) * 4;
    else if (cols > 8) cols = Math.ceil(cols / 16) * 8;
    else return null;
  }
  return [rows, cols];
}

/** Batch entry `e` of `op` cut to `count` of its rows (or columns) from `first`, as an operand of its own. */
function cut(op: Operand, e: number, axis: 'rows' | 'cols', first: number, count: number): Operand {
  const byRows = axis === 'rows';
  const view: StridedView = {
    storage: op.view.storage,
    shape: byRows ? [count, op.cols] : [op.rows, count],
    strides: [op.rs, op.cs],
    offset: op.offsets[e]! + first * (byRows ? op.rs : op.cs),
  };
  return operand(view, []);
}

/** The product in pieces of `rows` x `cols` of each batch entry's C (see PIECE_FLOATS), then the bias. */
function productInPieces(
  opA: Operand,
  opB: Operand,
  m: number,
  k: number,
  n: number,
  [rows, cols]: readonly [number, number],
  bias: StridedView | null,
): Float32Array | null {
  const out = allocateUnfilled('float32', opA.offsets.length * m * n) as Float32Array;
  for (let e = 0; e < opA.offsets.length; e++) {
    for (let i0 = 0; i0 < m; i0 += rows) {
      const h = Math.min(rows, m - i0);
      const a = cut(opA, e, 'rows', i0, h);
      for (let j0 = 0; j0 < n; j0 += cols) {
        const w = Math.min(cols, n - j0);
        const piece = productInWasm(a, cut(opB, e, 'cols', j0, w), 1, h, k, w, null, false);
        if (piece === null) return null;
        const to = e * m * n + i0 * n + j0;
        if (w === n) out.set(piece, to);
        else for (let i = 0; i < h; i++) out.set(piece.subarray(i * w, (i + 1) * w), to + i * n);
      }
    }
  }
  if (bias !== null) addBiasRows(out, n, bias);
  return out;
}

// A bias row added in wasm (conv.wat's addBias, on one thread and on the threads' memory), where each
// row is whole vectors (n a multiple of 4) and the bias a dense float32 row: the same f32 additions as
// addBiasRows, without a pass of TypeScript over C (the MLP suite's one-thread step: 19% fewer
// instructions).
function biasInWasm(bias: StridedView | null, n: number): StridedView | null {
  return bias !== null && n % 4 === 0 && denseF32(bias) ? bias : null;
}

/**
 * Floats of the regions a product lays out in wasm memory: A, B, C (batch x m x n), A's packing
 * block, B's packing panels, a 4x8 tile, the bias row (where it is added in wasm).
 */
function regions(
  opA: Operand,
  opB: Operand,
  batch: number,
  m: number,
  n: number,
  wasmBias: StridedView | null,
) {
  const [packA, packB, tile] = gemmScratch(n);
  return [opA.length, opB.length, batch * m * n, packA, packB, tile, wasmBias ? n : 0] as const;
}

/**
 * How the product of `opA` and `opB` (its sizes theirs: A is m x k, B k x n, one offset per batch
 * entry), laid out as `regions` gave `sizes`, is laid into the threads' shared memory.
 */
function threadLayout(
  opA: Operand,
  opB: Operand,
  sizes: ReturnType<typeof regions>,
  bias: StridedView | null,
): Layout {
  const [, atB, atC, atPa] = layout(sizes).at;
  const [, , , packA, packB] = sizes;
  return {
    batch: opA.offsets.length,
    m: opA.rows,
    n: opB.cols,
    k: opA.cols,
    kc: KC,
    atC,
    atWork: atPa,
    packA,
    packB,
    placeA: (mem, at) => place(opA, mem, at),
    placeB: (mem, at) => place(opB, mem, at + atB),
    bias,
  };
}

// Apart from matmul, whose closures would otherwise give every call (small ones too) a heap context.
// `cuttable`: false for a piece of a product already cut (see PIECE_FLOATS).
function productInWasm(
  opA: Operand,
  opB: Operand,
  batch: number,
  m: number,
  k: number,
  n: number,
  bias: StridedView | null,
  cuttable = true,
): Float32Array | null {
  const wasmBias = biasInWasm(bias, n);
  const sizes = regions(opA, opB, batch, m, n, wasmBias);
  const pieces = cuttable && !fitsKept(sizes) ? pieceShape(m, k, n) : null;
  if (pieces !== null) return productInPieces(opA, opB, m, k, n, pieces, bias);
  let out: Float32Array | null = null;
  if (batch * m * n * k >= THREAD_WORK) {
    out = threadedMatmul(threadLayout(opA, opB, sizes, wasmBias));
  }
  out ??= inWasm(sizes, (kernels, mem, [atA, atB, atC, atPa, atPb, atT, atBias]) => {
    const pa = place(opA, mem, atA);
    const pb = place(opB, mem, atB);
    const { gemm } = kernels.matmul;
    for (let t = 0; t < batch; t++) {
      const c = (atC + t * m * n) * F32;
      gemm(
        m,
        n,
        k,
        pa.bases[t]!,
        pa.rs,
        pa.cs,
        pb.bases[t]!,
        pb.rs,
        pb.cs,
        c,
        n,
        atPa * F32,
        atPb * F32,
        atT * F32,
      );
    }
    if (wasmBias !== null) {
      copyIn(mem, atBias, wasmBias, n);
      kernels.conv.addBias(atC * F32, atBias * F32, batch * m, n);
    }
    return sliceOut(mem, atC, batch * m * n);
  });
  if (out !== null && bias !== null && wasmBias === null) addBiasRows(out, n, bias);
  return out;
}
