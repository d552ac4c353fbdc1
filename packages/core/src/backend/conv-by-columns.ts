import type { DType } from '../dtype.js';
import { contiguousStrides } from '../shape.js';
import type { Backend, ConvShape, StridedView } from './backend.js';

// Convolution as im2col and batched products, written once over any backend's own kernels (the cpu
// and webgpu backends' conv2d, and the wasm backend's for what its fused kernel does not take). Per
// image and group the weight block [outC/groups, rows] multiplies the columns [rows, L], where rows
// = C/groups * kh * kw and L = outH * outW; the weight is contiguous from its offset.

type Kernels<S> = Pick<Backend<S>, 'unfold' | 'fold' | 'matmul' | 'binary' | 'reduce'>;

/** A convolution's sizes as products. */
export interface ConvBlocks {
  readonly n: number;
  readonly groups: number;
  /** Output channels per group. */
  readonly oc: number;
  readonly rows: number;
  readonly l: number;
}

export function convBlocks(c: ConvShape): ConvBlocks {
  const { g, groups } = c;
  const rows = (g.channels / groups) * g.kernel[0] * g.kernel[1];
  return { n: g.batch, groups, oc: c.outChannels / groups, rows, l: g.outHeight * g.outWidth };
}

function dense<S>(storage: S, shape: readonly number[], offset = 0): StridedView<S> {
  return { storage, shape, strides: contiguousStrides(shape), offset };
}

// The weight as the same [groups, oc, rows] blocks for every image, or their transposes.
function weightBlocks<S>(w: StridedView<S>, s: ConvBlocks, transposed: boolean): StridedView<S> {
  const shape = transposed ? [s.n, s.groups, s.rows, s.oc] : [s.n, s.groups, s.oc, s.rows];
  const strides = transposed ? [0, s.oc * s.rows, 1, s.rows] : [0, s.oc * s.rows, s.rows, 1];
  return { storage: w.storage, shape, strides, offset: w.offset };
}

export function conv2dByColumns<S>(
  k: Kernels<S>,
  x: StridedView<S>,
  w: StridedView<S>,
  bias: StridedView<S> | null,
  c: ConvShape,
  dtype: DType,
): S {
  const s = convBlocks(c);
  const cols = dense(k.unfold(x, c.g, 0, dtype), [s.n, s.groups, s.rows, s.l]);
  const y = k.matmul(weightBlocks(w, s, false), cols, dtype);
  if (bias === null) return y;
  const shape = [s.n, c.outChannels, s.l];
  const b = { storage: bias.storage, shape, strides: [0, bias.strides[0]!, 0], offset: bias.offset };
  return k.binary('add', dense(y, shape), b, shape, dtype);
}

export function conv2dInputGradByColumns<S>(
  k: Kernels<S>,
  dy: StridedView<S>,
  w: StridedView<S>,
  c: ConvShape,
  dtype: DType,
): S {
  const s = convBlocks(c);
  const dcols = k.matmul(
    weightBlocks(w, s, true),
    dense(dy.storage, [s.n, s.groups, s.oc, s.l], dy.offset),
    dtype,
  );
  return k.fold(dense(dcols, [s.n, s.groups * s.rows, s.l]), c.g, dtype);
}

export function conv2dWeightGradByColumns<S>(
  k: Kernels<S>,
  x: StridedView<S>,
  dy: StridedView<S>,
  c: ConvShape,
  dtype: DType,
): S {
  const s = convBlocks(c);
  const cols = k.unfold(x, c.g, 0, dtype);
  const colsT = {
    storage: cols,
    shape: [s.n, s.groups, s.l, s.rows],
    strides: [s.groups * s.rows * s.l, s.rows * s.l, 1, s.l],
    offset: 0,
  };
  const perImage = k.matmul(dense(dy.storage, [s.n, s.groups, s.oc, s.l], dy.offset), colsT, dtype);
  return k.reduce('sum', dense(perImage, [s.n, s.groups * s.oc * s.rows]), [0], dtype);
}

/** The three convolution kernels of a backend whose convolutions are im2col and products. */
export function convByColumns<S>(
  k: Kernels<S>,
): Pick<Backend<S>, 'conv2d' | 'conv2dInputGrad' | 'conv2dWeightGrad'> {
  return {
    conv2d: (x, w, bias, c, dtype) => conv2dByColumns(k, x, w, bias, c, dtype),
    conv2dInputGrad: (dy, w, c, dtype) => conv2dInputGradByColumns(k, dy, w, c, dtype),
    conv2dWeightGrad: (x, dy, c, dtype) => conv2dWeightGradByColumns(k, x, dy, c, dtype),
  };
}
