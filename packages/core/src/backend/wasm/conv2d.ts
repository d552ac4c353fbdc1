import type { DType, TypedArray } from '../../dtype.js';
import { contiguousStrides, sizeOf } from '../../shape.js';
import type { ConvShape, StridedView } from '../backend.js';
import { type ConvBlocks, convBlocks, convByColumns } from '../conv-by-columns.js';
import { copy } from '../cpu/elementwise.js';
import { copyIn, denseF32, F32, inWasm } from './call.js';
import { fold, runWindow, unfold } from './conv.js';
import { binary } from './elementwise.js';
import { gemmScratch, matmul } from './matmul.js';
import { reduce } from './reduce.js';
import type { WasmKernels } from './runtime.js';

// Float32 convolutions run in one call into wasm each: the operands are copied in once, and each
// image's im2col columns are made, multiplied and (for the input's gradient) folded back inside
// wasm memory, one image at a time, so the columns (kh·kw times the image) never reach JavaScript
// and stay in cache. The products and windows are matmul.wat's and conv.wat's, as in the
// im2col-and-products form (conv-by-columns.ts, what other dtypes, strided operands and huge sizes
// run here); the weight's gradient adds the images' products in float32 one after another, where
// that form's reduction sums them in float64 and rounds once, so it can differ in the last bits.

const MAX = 8 << 20; // floats above which the call would not fit the kept memory

const byColumns = convByColumns({ unfold, fold, matmul, binary, reduce });

const imageSize = (c: ConvShape): number => c.g.channels * c.g.height * c.g.width;
const padded = (c: ConvShape): boolean => c.g.padding[0] > 0 || c.g.padding[1] > 0;

/** conv.wat's unfold of image `i` of the input at float `atX` into the columns at float `atCols`. */
function unfoldImage(
  k: WasmKernels,
  mem: Float32Array,
  c: ConvShape,
  atX: number,
  i: number,
  atCols: number,
) {
  const s = convBlocks(c);
  // Out-of-image taps keep the zeros filled here (every in-image tap is written each time).
  if (padded(c)) mem.fill(0, atCols, atCols + s.groups * s.rows * s.l);
  runWindow(k, 0, atX + i * imageSize(c), atCols, { ...c.g, batch: 1 });
}

/** matmul.wat's gemm on float offsets: C[m x n] (rows cn apart) = A (strides ars, acs) B (brs, bcs). */
function gemm(
  k: WasmKernels,
  [m, n, depth]: readonly [number, number, number],
  a: readonly [number, number, number],
  b: readonly [number, number, number],
  c: readonly [number, number],
  work: readonly [number, number, number],
): void {
  k.matmul.gemm(
    m,
    n,
    depth,
    a[0] * F32,
    a[1],
    a[2],
    b[0] * F32,
    b[1],
    b[2],
    c[0] * F32,
    c[1],
    ...scaled(work),
  );
}
const scaled = (at: readonly [number, number, number]): [number, number, number] => [
  at[0] * F32,
  at[1] * F32,
  at[2] * F32,
];

type Sizes4 = [number, number, number, number];
type Sizes5 = [number, number, number, number, number];
const total = (sizes: readonly number[]): number => sizes.reduce((t, v) => t + v, 0);

// gemm needs every size >= 1: empty batches, channels or groups take the im2col form.
const nonEmpty = (s: ConvBlocks): boolean => s.n > 0 && s.oc > 0 && s.rows > 0 && s.l > 0;

const fits = (...views: (StridedView | null)[]): boolean => views.every((v) => v === null || denseF32(v));

export function conv2d(
  x: StridedView,
  w: StridedView,
  bias: StridedView | null,
  c: ConvShape,
  dtype: DType,
): TypedArray {
  const s = convBlocks(c);
  const sizes: Sizes5 = [
    sizeOf(x.shape),
    sizeOf(w.shape),
    c.outChannels,
    s.n * c.outChannels * s.l,
    s.groups * s.rows * s.l,
  ];
  const ok = dtype === 'float32' && nonEmpty(s) && fits(x, w, bias) && total(sizes) <= MAX;
  return (ok ? conv2dInWasm(x, w, bias, c, s, sizes) : null) ?? byColumns.conv2d(x, w, bias, c, dtype);
}

function conv2dInWasm(
  x: StridedView,
  w: StridedView,
  bias: StridedView | null,
  c: ConvShape,
  s: ConvBlocks,
  sizes: Sizes5,
): Float32Array | null {
  const regions = [...sizes, ...gemmScratch(s.l)] as const;
  return inWasm(regions, (k, mem, [atX, atW, atB, atY, atCols, atPa, atPb, atT]) => {
    const work = [atPa, atPb, atT] as const;
    copyIn(mem, atX, x, sizes[0]);
    copyIn(mem, atW, w, sizes[1]);
    if (bias !== null) copyIn(mem, atB, bias, c.outChannels);
    const perGroup = s.oc * s.rows;
    for (let i = 0; i < s.n; i++) {
      unfoldImage(k, mem, c, atX, i, atCols);
      const y = atY + i * c.outChannels * s.l;
      for (let t = 0; t < s.groups; t++) {
        const a = [atW + t * perGroup, s.rows, 1] as const;
        const b = [atCols + t * s.rows * s.l, s.l, 1] as const;
        gemm(k, [s.oc, s.l, s.rows], a, b, [y + t * s.oc * s.l, s.l], work);
      }
      if (bias !== null) k.conv.addRows(y * F32, atB * F32, c.outChannels, s.l);
    }
    return mem.slice(atY, atY + s.n * c.outChannels * s.l);
  });
}

export function conv2dInputGrad(dy: StridedView, w: StridedView, c: ConvShape, dtype: DType): TypedArray {
  const s = convBlocks(c);
  const sizes: Sizes4 = [sizeOf(dy.shape), sizeOf(w.shape), s.n * imageSize(c), s.groups * s.rows * s.l];
  const ok = dtype === 'float32' && nonEmpty(s) && fits(dy, w) && total(sizes) <= MAX;
  return (ok ? inputGradInWasm(dy, w, c, s, sizes) : null) ?? byColumns.conv2dInputGrad(dy, w, c, dtype);
}

function inputGradInWasm(
  dy: StridedView,
  w: StridedView,
  c: ConvShape,
  s: ConvBlocks,
  sizes: Sizes4,
): Float32Array | null {
  const regions = [...sizes, ...gemmScratch(s.l)] as const;
  return inWasm(regions, (k, mem, [atDy, atW, atDx, atCols, atPa, atPb, atT]) => {
    const work = [atPa, atPb, atT] as const;
    copyIn(mem, atDy, dy, sizes[0]);
    copyIn(mem, atW, w, sizes[1]);
    mem.fill(0, atDx, atDx + sizes[2]);
    const perGroup = s.oc * s.rows;
    for (let i = 0; i < s.n; i++) {
      const dyImage = atDy + i * c.outChannels * s.l;
      for (let t = 0; t < s.groups; t++) {
        // The columns' gradient, weightᵀ · dy, for this image and group.
        const a = [atW + t * perGroup, 1, s.rows] as const;
        const b = [dyImage + t * s.oc * s.l, s.l, 1] as const;
        gemm(k, [s.rows, s.l, s.oc], a, b, [atCols + t * s.rows * s.l, s.l], work);
      }
      runWindow(k, 1, atDx + i * imageSize(c), atCols, { ...c.g, batch: 1 });
    }
    return mem.slice(atDx, atDx + sizes[2]);
  });
}

export function conv2dWeightGrad(x: StridedView, dy: StridedView, c: ConvShape, dtype: DType): TypedArray {
  const s = convBlocks(c);
  const weights = c.outChannels * s.rows;
  const sizes: Sizes4 = [sizeOf(x.shape), sizeOf(dy.shape), s.groups * s.rows * s.l, weights];
  const ok = dtype === 'float32' && nonEmpty(s) && fits(x, dy) && total(sizes) + weights <= MAX;
  return (ok ? weightGradInWasm(x, dy, c, s, sizes) : null) ?? byColumns.conv2dWeightGrad(x, dy, c, dtype);
}

function weightGradInWasm(
  x: StridedView,
  dy: StridedView,
  c: ConvShape,
  s: ConvBlocks,
  sizes: Sizes4,
): Float32Array | null {
  const [xSize, dySize, colsSize, weights] = sizes;
  const flip = flipWeightGrad(s);
  // The sum over images is last, so that elementwise.wat's last vector spills into the slack.
  const regions = [xSize, dySize, colsSize, ...gemmScratch(flip ? s.oc : s.rows), weights, weights] as const;
  return inWasm(regions, (k, mem, [atX, atDy, atCols, atPa, atPb, atT, atImage, atSum]) => {
    const work = [atPa, atPb, atT] as const;
    copyIn(mem, atX, x, xSize);
    copyIn(mem, atDy, dy, dySize);
    for (let i = 0; i < s.n; i++) {
      unfoldImage(k, mem, c, atX, i, atCols);
      const into = i === 0 ? atSum : atImage;
      const dyImage = atDy + i * c.outChannels * s.l;
      for (let t = 0; t < s.groups; t++) {
        const [dyAt, colsAt, out] = [
          dyImage + t * s.oc * s.l,
          atCols + t * s.rows * s.l,
          into + t * s.oc * s.rows,
        ];
        // dy · columnsᵀ for this image and group: [oc, L] by [L, rows]; or, flipped, its transpose
        // columns · dyᵀ, [rows, L] by [L, oc].
        if (flip) gemm(k, [s.rows, s.oc, s.l], [colsAt, s.l, 1], [dyAt, 1, s.l], [out, s.oc], work);
        else gemm(k, [s.oc, s.rows, s.l], [dyAt, s.l, 1], [colsAt, 1, s.l], [out, s.rows], work);
      }
      if (i > 0) k.elementwise.binary(0, atSum * F32, atImage * F32, 16, atSum * F32, weights);
    }
    if (!flip) return mem.slice(atSum, atSum + weights);
    // Back to the weight's layout: each group's [rows, oc] sums read transposed, as [oc, rows].
    const shape = [s.groups, s.oc, s.rows];
    const sums = {
      storage: mem.subarray(atSum, atSum + weights),
      shape,
      strides: [s.oc * s.rows, 1, s.oc],
      offset: 0,
    };
    const grad = new Float32Array(weights);
    copy(sums, { storage: grad, shape, strides: contiguousStrides(shape), offset: 0 });
    return grad;
  });
}

// gemm computes whole 4x8 tiles, and packs a last panel of fewer than 8 columns one element at a
// time: the weight's gradient takes whichever orientation wastes less of its tiles. The first
// convolution of an image network ([8, L] by [L, 9] for 8 filters of one channel, 3x3) computes 96
// instead of 128 entries flipped and packs no partial panel: 350 -> 306-314 µs a call at batch 32
// of 28x28, the bench CNN's first layer. Each entry sums the same products in the same order either
// way, so the bits are the same.
function flipWeightGrad(s: ConvBlocks): boolean {
  const tiles = (rows: number, cols: number) => Math.ceil(rows / 4) * 4 * Math.ceil(cols / 8) * 8;
  return tiles(s.rows, s.oc) < tiles(s.oc, s.rows);
}
