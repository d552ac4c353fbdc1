import type { DType, TypedArray } from '../../dtype.js';
import type { StridedView } from '../backend.js';
import { addBiasRows, matmul as cpuMatmul } from '../cpu/matmul.js';
import { elementOffsets } from '../cpu/rows.js';
import { copyIn, denseF32, F32, inWasm, layout, sliceOut } from './call.js';
import { ADD } from './elementwise.js';
import { type Placed, threadedMatmul } from './matmul-threads.js';

// float32 products run in matmul.wat; float64 and int32 results stay on the TypeScript kernel, which
// sums in float64. Operands reach wasm memory in one of two ways: a float32 view whose elements fill
// most of the storage range they span (dense, transposed, a row slice, a batch-broadcast weight) is
// copied as that range in one block copy, keeping its strides, so matmul.wat's packing does the
// strided reads; any other view (another dtype, a sparse slice) is gathered densely, row-major.

const KC = 256; // matmul.wat's k-slice and row-block sizes: its packing buffers are sized from them
const MC = 128;

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
  let o = at;
  for (let t = 0; t < offsets.length; t++) {
    bases[t] = o * F32;
    for (let i = 0; i < rows; i++) {
      for (let j = 0, p = offsets[t]! + i * op.rs; j < cols; j++, p += op.cs) mem[o++] = src[p]!;
    }
  }
  return { bases, rs: cols, cs: 1 };
}

/**
 * Batched float32 product in WebAssembly, plus `bias` on every row when given; other dtypes, and
 * runtimes without SIMD, use the cpu kernel.
 */
export function matmul(a: StridedView, b: StridedView, outDtype: DType, bias?: StridedView): TypedArray {
  const nd = a.shape.length;
  const [m, k, n] = [a.shape[nd - 2]!, a.shape[nd - 1]!, b.shape[nd - 1]!];
  const batchShape = a.shape.slice(0, nd - 2);
  let batch = 1;
  for (const d of batchShape) batch *= d;
  if (outDtype !== 'float32' || batch * m * n === 0 || k === 0) return cpuMatmul(a, b, outDtype, bias);
  return productInWasm(a, b, batchShape, batch, m, k, n, bias ?? null) ?? cpuMatmul(a, b, outDtype, bias);
}

// A bias row added in wasm, one call per row of C, where each row is whole vectors (n a multiple of
// 4, so no lane spills into the next row) and the bias a dense float32 row: the same f32 additions as
// addBiasRows, without a pass of TypeScript over C (the MLP suite's one-thread step: 19% fewer
// instructions).
function biasInWasm(bias: StridedView | null, n: number): StridedView | null {
  return bias !== null && n % 4 === 0 && denseF32(bias) ? bias : null;
}

// Apart from matmul, whose closures would otherwise give every call (small ones too) a heap context.
function productInWasm(
  a: StridedView,
  b: StridedView,
  batchShape: readonly number[],
  batch: number,
  m: number,
  k: number,
  n: number,
  bias: StridedView | null,
): Float32Array | null {
  const [opA, opB] = [operand(a, batchShape), operand(b, batchShape)];
  // Regions (in floats): A, B, C (batch x m x n), A's packing block, B's packing panels, a 4x8 tile,
  // the bias row.
  const [packA, packB, tile] = gemmScratch(n);
  const wasmBias = biasInWasm(bias, n);
  const sizes = [opA.length, opB.length, batch * m * n, packA, packB, tile, wasmBias ? n : 0] as const;
  if (batch * m * n * k >= THREAD_WORK) {
    const [, atB, atC, atPa] = layout(sizes).at;
    const out = threadedMatmul({
      batch,
      m,
      n,
      k,
      kc: KC,
      atC,
      atWork: atPa,
      packA,
      packB,
      placeA: (mem, at) => place(opA, mem, at),
      placeB: (mem, at) => place(opB, mem, at + atB),
    });
    if (out !== null) {
      if (bias !== null) addBiasRows(out, n, bias);
      return out;
    }
  }
  const out = inWasm(sizes, (kernels, mem, [atA, atB, atC, atPa, atPb, atT, atBias]) => {
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
      const { binary } = kernels.elementwise;
      for (let row = atC; row < atC + batch * m * n; row += n)
        binary(ADD, row * F32, atBias * F32, 16, row * F32, n);
    }
    return sliceOut(mem, atC, batch * m * n);
  });
  if (out !== null && bias !== null && wasmBias === null) addBiasRows(out, n, bias);
  return out;
}
