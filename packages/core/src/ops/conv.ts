import { ownGradient } from '../autograd/backward.js';
import { isGradEnabled } from '../autograd/grad-mode.js';
import {
  attach,
  attachAll,
  type BackwardRule,
  type RuleTable,
  recording,
  recordingAll,
  SAVES_NOTHING,
} from '../autograd/node.js';
import type { ConvShape, WindowGeometry } from '../backend/backend.js';
import { convBlocks } from '../backend/conv-by-columns.js';
import { kernelsFor } from '../backend/dispatch.js';
import { checkNumel, expectNumbers, expectOptionalTensor, expectOptions, expectTensor } from '../checks.js';
import { promote } from '../dtype.js';
import { fmtShape, ShapeError, ValueError } from '../errors.js';
import { Tensor } from '../tensor.js';
import { matmul } from './matmul.js';
import { maxPoolOp } from './max-pool.js';
import { contiguous, reshape, squeeze, transpose, unsqueeze } from './movement.js';
import type { ConvOpName } from './op-names.js';
import { mean, sum } from './reduce.js';

/** A size given once for both spatial dims or as `[height, width]`. */
export type Pair = number | readonly [number, number];

/** Options of `conv2d`. */
export interface Conv2dOptions {
  /** Step of the window, one number or `[sh, sw]` (default 1). */
  stride?: Pair;
  /** Zeros added on each side, one number or `[ph, pw]` (default 0). */
  padding?: Pair;
  /** Spacing between kernel taps, one number or `[dh, dw]` (default 1). */
  dilation?: Pair;
  /** Splits input and output channels into this many independent groups (default 1). */
  groups?: number;
}

/** Options of `maxPool2d` and `avgPool2d`. */
export interface Pool2dOptions {
  /** Defaults to the kernel size. */
  stride?: Pair;
  /** Padding on each side, one number or `[ph, pw]` (default 0, at most half the kernel); max pooling pads with -Infinity, average pooling with zeros that count in the mean. */
  padding?: Pair;
}

function pair(op: string, name: string, v: Pair, min: number): [number, number] {
  if (typeof v !== 'number') {
    expectNumbers(op, name, v);
    if (v.length !== 2)
      throw new ValueError(`${op}: ${name} must be one number or a pair [h, w], got ${fmtShape(v)}`);
  }
  const p: [number, number] = typeof v === 'number' ? [v, v] : [v[0], v[1]];
  if (!p.every((x) => Number.isInteger(x) && x >= min)) {
    throw new ValueError(`${op}: ${name} must be integers >= ${min}, got ${JSON.stringify(v)}`);
  }
  return p;
}

// The windows over an NCHW image of `shape` (the input of unfold, the output of fold).
function geometry(
  op: string,
  x: { readonly shape: readonly number[]; readonly dtype: Tensor['dtype'] },
  kernel: [number, number],
  stride: [number, number],
  padding: [number, number],
  dilation: [number, number],
): WindowGeometry {
  const [batch, channels, height, width] = x.shape as [number, number, number, number];
  const out = (size: number, i: 0 | 1) =>
    Math.floor((size + 2 * padding[i] - dilation[i] * (kernel[i] - 1) - 1) / stride[i]) + 1;
  const outHeight = out(height, 0);
  const outWidth = out(width, 1);
  if (outHeight <= 0 || outWidth <= 0) {
    throw new ShapeError(
      `${op}: input of shape ${fmtShape(x.shape)} is too small for kernel ${fmtShape(kernel)} with padding ${fmtShape(padding)} and dilation ${fmtShape(dilation)}`,
    );
  }
  // The im2col columns are the largest tensor the op allocates.
  const columns = [batch, channels * kernel[0] * kernel[1], outHeight * outWidth];
  checkNumel(op, columns[0]! * columns[1]! * columns[2]!, x.dtype, columns);
  return { batch, channels, height, width, kernel, stride, padding, dilation, outHeight, outWidth };
}

// im2col as a differentiable op: [N, C, H, W] -> [N, C*kh*kw, outH*outW]. Its adjoint is fold.
function unfold(x: Tensor, g: WindowGeometry, padValue: number): Tensor {
  const shape = [g.batch, g.channels * g.kernel[0] * g.kernel[1], g.outHeight * g.outWidth];
  const out = new Tensor(kernelsFor('unfold', x).unfold(x, g, padValue, x.dtype), shape);
  if (recording('unfold', out, x)) attach(out, 'unfold', x, null, SAVES_NOTHING, RULES.unfold, g);
  return out;
}

function foldColumns(cols: Tensor, g: WindowGeometry): Tensor {
  const dense = contiguous(cols);
  const out = new Tensor(kernelsFor('fold', dense).fold(dense, g, cols.dtype), [
    g.batch,
    g.channels,
    g.height,
    g.width,
  ]);
  if (recording('fold', out, cols)) attach(out, 'fold', cols, null, SAVES_NOTHING, RULES.fold, g);
  return out;
}

// unfold and fold are each other's adjoints: d unfold = fold(dy), d fold = unfold(dy) (zero padding)
const unfoldBackward: BackwardRule<WindowGeometry> = (dy, { params: g }) => [foldColumns(dy, g)];
const foldBackward: BackwardRule<WindowGeometry> = (dy, { params: g }) => [unfold(dy, g, 0)];

// Accepts unbatched [C, H, W] input as PyTorch does, running it as a batch of one.
function batched(op: string, x: Tensor, run: (x4: Tensor) => Tensor): Tensor {
  if (x.ndim === 3) return squeeze(run(unsqueeze(x, 0)), 0);
  if (x.ndim !== 4)
    throw new ShapeError(
      `${op}: expected input of shape [N, C, H, W] or [C, H, W], got ${fmtShape(x.shape)}`,
    );
  return run(x);
}

/**
 * 2-D convolution (cross-correlation, as PyTorch) of NCHW input with weight `[outC, inC/groups, kh, kw]`,
 * computed as im2col columns times the weight (on the wasm backend, each image's columns are made
 * and multiplied inside wasm memory).
 *
 * @example
 * ```ts
 * conv2d(randn([1, 1, 5, 5]), randn([2, 1, 3, 3]), undefined, { padding: 1 }).shape; // [1, 2, 5, 5]
 * ```
 */
export function conv2d(x: Tensor, weight: Tensor, bias?: Tensor | null, options: Conv2dOptions = {}): Tensor {
  expectTensor('conv2d', 'input', x);
  expectTensor('conv2d', 'weight', weight);
  expectOptionalTensor('conv2d', 'bias', bias);
  expectOptions('conv2d', options);
  const groups = options.groups ?? 1;
  if (!Number.isInteger(groups) || groups < 1)
    throw new ValueError(`conv2d: groups must be a positive integer, got ${groups}`);
  if (weight.ndim !== 4)
    throw new ShapeError(`conv2d: weight must be [outC, inC/groups, kh, kw], got ${fmtShape(weight.shape)}`);
  const [outC, inPerGroup, kh, kw] = weight.shape as [number, number, number, number];
  const stride = pair('conv2d', 'stride', options.stride ?? 1, 1);
  const padding = pair('conv2d', 'padding', options.padding ?? 0, 0);
  const dilation = pair('conv2d', 'dilation', options.dilation ?? 1, 1);
  return batched('conv2d', x, (x4) => {
    const channels = x4.shape[1]!;
    if (channels !== inPerGroup * groups || outC % groups !== 0) {
      throw new ShapeError(
        `conv2d: input ${fmtShape(x4.shape)} has ${channels} channels but weight ${fmtShape(weight.shape)} with groups ${groups} expects ${inPerGroup * groups} (and outC divisible by groups)`,
      );
    }
    if (bias && (bias.ndim !== 1 || bias.shape[0] !== outC)) {
      throw new ShapeError(`conv2d: bias must have shape [${outC}], got ${fmtShape(bias.shape)}`);
    }
    const g = geometry('conv2d', x4, [kh, kw], stride, padding, dilation);
    return convOp(x4, contiguous(weight), bias ?? null, { g, groups, outChannels: outC });
  });
}

// One op over the backend's convolution kernels, which may keep the im2col columns to themselves
// (the wasm backend makes them image by image inside wasm memory).
function convOp(x4: Tensor, weight: Tensor, bias: Tensor | null, c: ConvShape): Tensor {
  const dtype =
    bias === null ? promote(x4.dtype, weight.dtype) : promote(promote(x4.dtype, weight.dtype), bias.dtype);
  const { g } = c;
  const storage = kernelsFor('conv2d', x4, weight, bias ?? undefined).conv2d(x4, weight, bias, c, dtype);
  const out = new Tensor(storage, [g.batch, c.outChannels, g.outHeight, g.outWidth]);
  const inputs = bias === null ? [x4, weight] : [x4, weight, bias];
  if (recordingAll('conv2d', out, inputs)) attachAll(out, 'conv2d', inputs, [x4, weight], RULES.conv2d, c);
  return out;
}

// d conv2d: the input's gradient is the columns' gradient weightᵀ · dy folded back into the image,
// the weight's is dy · columnsᵀ summed over the images, the bias's dy summed over all but channels.
// Under createGraph the same products are ops, so that the gradients are differentiable again.
const conv2dBackward: BackwardRule<ConvShape> = (dy, n) => {
  const [x4, weight, bias] = n.inputs as [Tensor, Tensor, Tensor | undefined];
  const c = n.params;
  const db = bias?.requiresGrad ? sum(dy, [0, 2, 3]) : null;
  if (isGradEnabled()) return [...convGradsByOps(dy, x4, weight, c), db];
  const k = kernelsFor('conv2d', x4, weight);
  const dense = contiguous(dy);
  const dx = x4.requiresGrad ? k.conv2dInputGrad(dense, weight, c, dy.dtype) : null;
  const dw = weight.requiresGrad ? k.conv2dWeightGrad(x4, dense, c, dy.dtype) : null;
  // Fresh gradients, one per input: a leaf weight or bias may keep them without a copy.
  return [
    dx === null ? null : new Tensor(dx, x4.shape),
    dw === null ? null : ownGradient(new Tensor(dw, weight.shape)),
    db === null ? null : ownGradient(db),
  ];
};

function convGradsByOps(
  dy: Tensor,
  x4: Tensor,
  weight: Tensor,
  c: ConvShape,
): [Tensor | null, Tensor | null] {
  const { g } = c;
  const { n, groups, oc, rows, l } = convBlocks(c);
  const dyBlocks = reshape(dy, [n, groups, oc, l]);
  const wBlocks = reshape(weight, [groups, oc, rows]);
  const dx = x4.requiresGrad
    ? foldColumns(reshape(matmul(transpose(wBlocks, 1, 2), dyBlocks), [n, groups * rows, l]), g)
    : null;
  const cols = () => reshape(unfold(x4, g, 0), [n, groups, rows, l]);
  const dw = weight.requiresGrad
    ? reshape(sum(matmul(dyBlocks, transpose(cols(), 2, 3)), 0), weight.shape)
    : null;
  return [dx, dw];
}

/** Options of `fold`. */
export interface FoldOptions {
  /** Spacing between kernel taps, one number or `[dh, dw]` (default 1). */
  dilation?: Pair;
  /** Zeros that were added on each side, cropped off again, one number or `[ph, pw]` (default 0). */
  padding?: Pair;
  /** Step of the window, one number or `[sh, sw]` (default 1). */
  stride?: Pair;
}

/**
 * Sums sliding-window columns back into an image (col2im, PyTorch's `F.fold`): input
 * `[N, C·kh·kw, L]` (or unbatched `[C·kh·kw, L]`), one column per window position of an
 * `outputSize` image, gives `[N, C, H, W]`, where overlapping taps add up. It is the adjoint of the
 * im2col that `conv2d` runs (its gradient is that im2col), so a transposed convolution is a matmul
 * followed by a fold.
 *
 * @example
 * ```ts
 * fold(ones([1, 4, 4]), [3, 3], 2).toArray(); // [[[[1, 2, 1], [2, 4, 2], [1, 2, 1]]]]
 * ```
 */
export function fold(x: Tensor, outputSize: Pair, kernelSize: Pair, options: FoldOptions = {}): Tensor {
  expectTensor('fold', 'input', x);
  expectOptions('fold', options);
  const [height, width] = pair('fold', 'outputSize', outputSize, 1);
  const kernel = pair('fold', 'kernelSize', kernelSize, 1);
  const stride = pair('fold', 'stride', options.stride ?? 1, 1);
  const padding = pair('fold', 'padding', options.padding ?? 0, 0);
  const dilation = pair('fold', 'dilation', options.dilation ?? 1, 1);
  if (x.ndim === 2) return squeeze(fold(unsqueeze(x, 0), outputSize, kernelSize, options), 0);
  if (x.ndim !== 3) {
    throw new ShapeError(
      `fold: expected input of shape [N, C*kh*kw, L] or [C*kh*kw, L], got ${fmtShape(x.shape)}`,
    );
  }
  const [batch, rows, blocks] = x.shape as [number, number, number];
  const taps = kernel[0] * kernel[1];
  const span = (i: 0 | 1) => dilation[i] * (kernel[i] - 1) + 1;
  if (rows % taps !== 0 || height + 2 * padding[0] < span(0) || width + 2 * padding[1] < span(1)) {
    throw new ShapeError(
      `fold: input ${fmtShape(x.shape)} does not fit kernel ${fmtShape(kernel)} over output ${fmtShape([height, width])} (dim 1 must be a multiple of ${taps}, and the padded output at least as large as the dilated kernel)`,
    );
  }
  const image = { shape: [batch, rows / taps, height, width], dtype: x.dtype };
  const g = geometry('fold', image, kernel, stride, padding, dilation);
  if (blocks !== g.outHeight * g.outWidth) {
    throw new ShapeError(
      `fold: input ${fmtShape(x.shape)} has ${blocks} columns but kernel ${fmtShape(kernel)} with stride ${fmtShape(stride)}, padding ${fmtShape(padding)} and dilation ${fmtShape(dilation)} has ${g.outHeight * g.outWidth} positions over output ${fmtShape([height, width])}`,
    );
  }
  checkNumel('fold', batch * (rows / taps) * height * width, x.dtype, image.shape);
  return foldColumns(x, g);
}

function checkPoolPadding(op: string, kernel: [number, number], padding: [number, number]): void {
  if (padding[0] * 2 > kernel[0] || padding[1] * 2 > kernel[1]) {
    throw new ValueError(
      `${op}: padding ${fmtShape(padding)} must be at most half of kernel ${fmtShape(kernel)}`,
    );
  }
}

function pool(
  op: 'maxPool2d' | 'avgPool2d',
  x: Tensor,
  kernelSize: Pair,
  options: Pool2dOptions,
  reduce: (windows: Tensor) => Tensor,
  padValue: number,
): Tensor {
  const kernel = pair(op, 'kernelSize', kernelSize, 1);
  const stride = pair(op, 'stride', options.stride ?? kernel, 1);
  const padding = pair(op, 'padding', options.padding ?? 0, 0);
  checkPoolPadding(op, kernel, padding);
  return batched(op, x, (x4) => {
    const g = geometry(op, x4, kernel, stride, padding, [1, 1]);
    const windows = reshape(unfold(x4, g, padValue), [g.batch, g.channels, kernel[0] * kernel[1], -1]);
    return reshape(reduce(windows), [g.batch, g.channels, g.outHeight, g.outWidth]);
  });
}

/**
 * 2-D max pooling over NCHW input; `stride` defaults to the kernel size, padding counts as -inf.
 *
 * @example
 * ```ts
 * maxPool2d(randn([1, 3, 8, 8]), 2).shape; // [1, 3, 4, 4]
 * ```
 */
export function maxPool2d(x: Tensor, kernelSize: Pair, options: Pool2dOptions = {}): Tensor {
  expectTensor('maxPool2d', 'input', x);
  expectOptions('maxPool2d', options);
  const kernel = pair('maxPool2d', 'kernelSize', kernelSize, 1);
  const stride = pair('maxPool2d', 'stride', options.stride ?? kernel, 1);
  const padding = pair('maxPool2d', 'padding', options.padding ?? 0, 0);
  checkPoolPadding('maxPool2d', kernel, padding);
  return batched('maxPool2d', x, (x4) =>
    maxPoolOp(x4, geometry('maxPool2d', x4, kernel, stride, padding, [1, 1])),
  );
}

/**
 * 2-D average pooling over NCHW input; zero padding counts in the average (PyTorch's default).
 *
 * @example
 * ```ts
 * avgPool2d(ones([1, 1, 4, 4]), 2).toArray(); // [[[[1, 1], [1, 1]]]]
 * ```
 */
export function avgPool2d(x: Tensor, kernelSize: Pair, options: Pool2dOptions = {}): Tensor {
  expectTensor('avgPool2d', 'input', x);
  expectOptions('avgPool2d', options);
  return pool('avgPool2d', x, kernelSize, options, (w) => mean(w, 2), 0);
}

const RULES = {
  unfold: unfoldBackward,
  fold: foldBackward,
  conv2d: conv2dBackward,
} satisfies RuleTable<ConvOpName>;
