import type { DType, TypedArray } from '../../dtype.js';
import { sizeOf } from '../../shape.js';
import type { ConvShape, StridedView } from '../backend.js';
import { type ConvBlocks, convBlocks, convByColumns } from '../conv-by-columns.js';
import { denseF32, F32, fitsKept, inWasm, layout } from './call.js';
import { fold, unfold } from './conv.js';
import {
  type ConvCall,
  callResult,
  callScratch,
  callSizes,
  columnsSize,
  FORWARD,
  INPUT_GRAD,
  WEIGHT_GRAD,
  writeCall,
} from './conv-job.js';
import { threadedConv } from './conv2d-threads.js';
import { conv3x3Forward, conv3x3WeightGrad } from './conv3x3.js';
import { binary } from './elementwise.js';
import { matmul } from './matmul.js';
import { reduce } from './reduce.js';

// Float32 convolutions run in one call into wasm each: the operands are copied in once, and each
// image's im2col columns are made, multiplied and (for the input's gradient) folded back inside
// wasm memory by conv.wat's `image`, one image at a time, so the columns (kh·kw times the image)
// never reach JavaScript and stay in cache. Large ones split their images over the threads of
// backend/threads (conv2d-threads.ts), which run the same calls. The products and windows are
// matmul.wat's and conv.wat's, as in the im2col-and-products form (conv-by-columns.ts, what other
// dtypes, strided operands and huge sizes run here); the weight's gradient adds the images'
// products in float32 one after another, where that form's reduction sums them in float64 and
// rounds once, so it can differ in the last bits.

const byColumns = convByColumns({ unfold, fold, matmul, binary, reduce });

// gemm needs every size >= 1: empty batches, channels or groups take the im2col form.
const nonEmpty = (s: ConvBlocks): boolean => s.n > 0 && s.oc > 0 && s.rows > 0 && s.l > 0;

const fits = (...views: (StridedView | null)[]): boolean => views.every((v) => v === null || denseF32(v));

/** Runs `call`'s images on the threads where it is large enough, else here; null where wasm cannot take it. */
function run(call: ConvCall): Float32Array | null {
  if (!fitsKept([...callSizes(call), columnsSize(call.s)])) return null;
  return threadedConv(call) ?? runHere(call);
}

function runHere(call: ConvCall): Float32Array | null {
  const { end } = layout(callSizes(call));
  const regions = [end, columnsSize(call.s), ...callScratch(call)] as const;
  return inWasm(regions, (k, mem, [atCall, atCols, atPa, atPb, atT]) => {
    const { job, out } = writeCall(call, mem, new Int32Array(mem.buffer), atCall);
    for (let i = 0; i < call.s.n; i++) k.conv.image(job, i, atCols * F32, atPa * F32, atPb * F32, atT * F32);
    return callResult(call, k.conv, mem, out);
  });
}

export function conv2d(
  x: StridedView,
  w: StridedView,
  bias: StridedView | null,
  c: ConvShape,
  dtype: DType,
): TypedArray {
  const s = convBlocks(c);
  const ok = dtype === 'float32' && nonEmpty(s) && fits(x, w, bias);
  const operands: [StridedView, number][] = [
    [x, sizeOf(x.shape)],
    [w, sizeOf(w.shape)],
  ];
  if (bias !== null) operands.push([bias, c.outChannels]);
  const call: ConvCall = {
    op: FORWARD,
    c,
    s,
    operands,
    outStep: c.outChannels * s.l,
    gemmColumns: s.l,
    flip: false,
  };
  return (ok ? (conv3x3Forward(x, w, bias, c) ?? run(call)) : null) ?? byColumns.conv2d(x, w, bias, c, dtype);
}

export function conv2dInputGrad(dy: StridedView, w: StridedView, c: ConvShape, dtype: DType): TypedArray {
  const s = convBlocks(c);
  const ok = dtype === 'float32' && nonEmpty(s) && fits(dy, w);
  const operands: [StridedView, number][] = [
    [dy, sizeOf(dy.shape)],
    [w, sizeOf(w.shape)],
  ];
  const image = c.g.channels * c.g.height * c.g.width;
  const call: ConvCall = { op: INPUT_GRAD, c, s, operands, outStep: image, gemmColumns: s.l, flip: false };
  return (ok ? run(call) : null) ?? byColumns.conv2dInputGrad(dy, w, c, dtype);
}

export function conv2dWeightGrad(x: StridedView, dy: StridedView, c: ConvShape, dtype: DType): TypedArray {
  const s = convBlocks(c);
  const ok = dtype === 'float32' && nonEmpty(s) && fits(x, dy);
  const flip = flipWeightGrad(s);
  const operands: [StridedView, number][] = [
    [x, sizeOf(x.shape)],
    [dy, sizeOf(dy.shape)],
  ];
  const weights = c.outChannels * s.rows;
  const gemmColumns = flip ? s.oc : s.rows;
  const call: ConvCall = { op: WEIGHT_GRAD, c, s, operands, outStep: weights, gemmColumns, flip };
  return (
    (ok ? (conv3x3WeightGrad(x, dy, c) ?? run(call)) : null) ?? byColumns.conv2dWeightGrad(x, dy, c, dtype)
  );
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
