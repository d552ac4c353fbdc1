import type { DType, TypedArray } from '../dtype.js';
import type { Shape } from '../shape.js';
import { backendFromEnv, chooseBackend } from './select.js';

/**
 * What a kernel reads: storage plus shape, strides and offset (a Tensor is one). `S` is the
 * storage: a typed array for the cpu and wasm backends, a GPU buffer for webgpu.
 */
export interface StridedView<S = TypedArray> {
  /** The elements (a typed array on the cpu device). */
  readonly storage: S;
  /** Size of each dimension. */
  readonly shape: Shape;
  /** Storage step per dimension (0 for a broadcast dim). */
  readonly strides: readonly number[];
  /** Index in `storage` of the first element. */
  readonly offset: number;
}

/** Names of the elementwise one-input kernels. */
export type UnaryOp =
  | 'neg'
  | 'exp'
  | 'log'
  | 'sqrt'
  | 'abs'
  | 'sign'
  | 'sin'
  | 'cos'
  | 'square'
  | 'reciprocal'
  | 'relu'
  | 'sigmoid'
  | 'tanh'
  | 'softplus'
  | 'step'
  | 'leakyRelu'
  | 'elu'
  | 'clamp'
  | 'identity'
  | 'erf'
  | 'log1p'
  | 'expm1'
  | 'rsqrt';

/**
 * Names of the elementwise two-input kernels (comparisons included). `reluGrad` is relu's backward
 * in one pass: `a` where not `b <= 0`, else 0 (a NaN `b` passes `a`), PyTorch's threshold_backward.
 */
export type BinaryOp = 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'maximum' | 'minimum' | 'reluGrad' | CompareOp;
/** Names of the comparison kernels, which give 1/0 masks. */
export type CompareOp = 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge';
/** Names of the reduction kernels. */
export type ReduceOp = 'sum' | 'max' | 'min';

/** Geometry of a 2-D sliding window over NCHW input (convolution and pooling). */
export interface WindowGeometry {
  /** Batch size N. */
  readonly batch: number;
  /** Input channels C. */
  readonly channels: number;
  /** Input height H (before padding). */
  readonly height: number;
  /** Input width W (before padding). */
  readonly width: number;
  /** Window size `[kh, kw]`. */
  readonly kernel: readonly [number, number];
  /** Window step `[sh, sw]`. */
  readonly stride: readonly [number, number];
  /** Zeros added on each side `[ph, pw]`. */
  readonly padding: readonly [number, number];
  /** Spacing between window taps `[dh, dw]`. */
  readonly dilation: readonly [number, number];
  /** Output height, by PyTorch's rule `floor((H + 2p - d(k - 1) - 1) / s) + 1`. */
  readonly outHeight: number;
  /** Output width, by the same rule as `outHeight`. */
  readonly outWidth: number;
}

/**
 * `g`'s sizes in the order the window kernels take them (wasm's conv.wat, webgpu's shaders): the
 * image's height and width; kernel, stride, padding and dilation, each [h, w]; the output's height
 * and width.
 */
export function windowSizes(g: WindowGeometry): WindowSizes {
  return [g.height, g.width, ...g.kernel, ...g.stride, ...g.padding, ...g.dilation, g.outHeight, g.outWidth];
}
type Pair = readonly [number, number];
type WindowSizes = [number, number, ...Pair, ...Pair, ...Pair, ...Pair, number, number];

/** A convolution's windows, its channel groups and its output channels. */
export interface ConvShape {
  /** The windows over the input image (the batch, its channels and size included). */
  readonly g: WindowGeometry;
  /** Channel groups: input and output channels split into this many independent convolutions. */
  readonly groups: number;
  /** Output channels, all groups together. */
  readonly outChannels: number;
}

/** What a backend's `maxPool` gives: the pooled values, and the routing indices when asked. */
export interface MaxPooled<S> {
  /** The pooled values, `[N, C, outH, outW]` in the input's dtype. */
  readonly values: S;
  /** Each window's kept element as a flat int32 index into the input; null when not asked for. */
  readonly indices: S | null;
}

// Optimizer kernels update a parameter and its state in place, element by element in float64
// arithmetic with one rounding per stored value. Every view they take is dense (contiguous) and of
// the parameter's size; the optimizer works out the per-step scalars (bias corrections, decayed
// learning rates) so that a kernel is one pass of arithmetic.

/** The scalars of one SGD step. */
export interface SgdStep {
  /** Learning rate. */
  readonly lr: number;
  /** Momentum factor (0: none). */
  readonly momentum: number;
  /** Dampening of the gradient's share of the momentum buffer. */
  readonly dampening: number;
  /** Nesterov momentum. */
  readonly nesterov: boolean;
  /** L2 penalty added to the gradient. */
  readonly weightDecay: number;
  /** Step up the gradient instead of down. */
  readonly maximize: boolean;
  /** The momentum buffer is filled with the (decayed) gradient instead of averaged into. */
  readonly first: boolean;
}

/** Adam's state buffers. */
export interface AdamMoments<S = TypedArray> {
  /** The running mean of the gradient. */
  readonly expAvg: StridedView<S>;
  /** The running mean of its square. */
  readonly expAvgSq: StridedView<S>;
  /** The running maximum of `expAvgSq` (AMSGrad), else null. */
  readonly maxExpAvgSq: StridedView<S> | null;
}

/** The scalars of one Adam step. */
export interface AdamStep {
  /** lr / (1 − β1ᵗ). */
  readonly stepSize: number;
  /** √(1 − β2ᵗ). */
  readonly bc2Sqrt: number;
  /** Decay of the gradient's running mean. */
  readonly beta1: number;
  /** Decay of its square's running mean. */
  readonly beta2: number;
  /** Added to the denominator. */
  readonly eps: number;
  /** Weight decay (added to the gradient, or decoupled). */
  readonly weightDecay: number;
  /** AdamW: the parameter decays by `1 − lr·wd` first; Adam adds wd·θ to the gradient instead. */
  readonly decoupled: boolean;
  /** 1 − lr·wd (used when decoupled). */
  readonly decay: number;
  /** Step up the gradient instead of down. */
  readonly maximize: boolean;
}

/** The scalars of one Adagrad step. */
export interface AdagradStep {
  /** The decayed learning rate lr / (1 + (t − 1)·lrDecay). */
  readonly clr: number;
  /** L2 penalty added to the gradient. */
  readonly weightDecay: number;
  /** Added to the denominator. */
  readonly eps: number;
  /** Step up the gradient instead of down. */
  readonly maximize: boolean;
}

/** RMSprop's state buffers. */
export interface RmspropBuffers<S = TypedArray> {
  /** The running mean of the gradient's square. */
  readonly squareAvg: StridedView<S>;
  /** The momentum buffer, or null without momentum. */
  readonly momentumBuffer: StridedView<S> | null;
  /** The running mean of the gradient (centered RMSprop). */
  readonly gradAvg: StridedView<S> | null;
}

/** The scalars of one RMSprop step. */
export interface RmspropStep {
  /** Learning rate. */
  readonly lr: number;
  /** Decay of the running means. */
  readonly alpha: number;
  /** Added to the denominator. */
  readonly eps: number;
  /** L2 penalty added to the gradient. */
  readonly weightDecay: number;
  /** Momentum factor (0: none). */
  readonly momentum: number;
  /** Step up the gradient instead of down. */
  readonly maximize: boolean;
}

/**
 * The kernels every op runs on, grouped by family. Results are fresh contiguous row-major storage
 * (typed arrays on the cpu backends; `S` is the storage type); inputs may be any strided view
 * (broadcast dims have stride 0). Index results (argReduce, maxPool's indices) are int32. A backend never sees autograd:
 * ops own the chain rule, backends only compute values, so a faster backend slots in unchanged.
 */
export interface Backend<S = TypedArray> {
  /** A short name for messages and benchmarks, e.g. `'cpu'`. */
  readonly name: string;
  /** A fresh contiguous array of `length` elements of `dtype`, all `value` (zeros, pads, seeds). */
  full(length: number, value: number, dtype: DType): S;
  /** Elementwise `op(x)` with up to two scalar parameters (slope, alpha, clamp bounds). */
  unary(op: UnaryOp, x: StridedView<S>, outDtype: DType, p0?: number, p1?: number): S;
  /** Elementwise `op(a, b)`; `a` and `b` already broadcast to `outShape` through their strides. */
  binary(op: BinaryOp, a: StridedView<S>, b: StridedView<S>, outShape: Shape, outDtype: DType): S;
  /** `cond != 0 ? a : b`, all three broadcast to `outShape` through their strides. */
  select(cond: StridedView<S>, a: StridedView<S>, b: StridedView<S>, outShape: Shape, outDtype: DType): S;
  /** Reduces over sorted `dims`; the result has the input's shape without them. */
  reduce(op: ReduceOp, x: StridedView<S>, dims: readonly number[], outDtype: DType): S;
  /** Index of the first maximum (or minimum) along `dim`; the result drops `dim`. */
  argReduce(op: 'argmax' | 'argmin', x: StridedView<S>, dim: number): S;
  /**
   * Batched matrix product of `[...batch, m, k]` and `[...batch, k, n]` (same batch shape); a
   * `bias` of n elements is added to every row of the result (a linear layer's epilogue, rounded
   * once to `outDtype` as an add kernel would).
   */
  matmul(a: StridedView<S>, b: StridedView<S>, outDtype: DType, bias?: StridedView<S>): S;
  /**
   * Optional: the products `a·b` and `c·d` (as `matmul` gives each, without bias), which a backend
   * may compute at once (the wasm backend: `c·d` on a helper thread while the caller computes
   * `a·b`). Ops call `matmul` twice where a backend has none. A backend made by spreading another
   * and replacing its `matmul` should replace or drop this one too.
   */
  matmulPair?(
    a: StridedView<S>,
    b: StridedView<S>,
    c: StridedView<S>,
    d: StridedView<S>,
    outDtype: DType,
  ): readonly [S, S];
  /** Copies `src` into the strided `dst` of the same shape. */
  copy(src: StridedView<S>, dst: StridedView<S>): void;
  /** `out[i][j] = x[i][index[i][j]]` along `dim` (PyTorch's gather); the result has index's shape. */
  gather(x: StridedView<S>, dim: number, index: StridedView<S>, outDtype: DType): S;
  /** Zeros of `outShape` with `src` added at `index` along `dim` (the adjoint of gather). */
  scatterAdd(src: StridedView<S>, dim: number, index: StridedView<S>, outShape: Shape, outDtype: DType): S;
  /**
   * A copy of `x` with `src` written at `index` along `dim` (PyTorch's scatter); `src` is read over
   * index's shape. Where indices repeat, one of the writes wins (the last on the cpu backends).
   */
  scatter(x: StridedView<S>, dim: number, index: StridedView<S>, src: StridedView<S>, outDtype: DType): S;
  /** Running sum or product along `dim` (from the end of each line when `reverse`), x's shape. */
  cumulative(op: 'sum' | 'prod', x: StridedView<S>, dim: number, reverse: boolean, outDtype: DType): S;
  /**
   * The int32 positions along `dim` that sort each line of `x`, stably (ties keep index order, in
   * either direction); NaN sorts above every number.
   */
  argsort(x: StridedView<S>, dim: number, descending: boolean): S;
  /** The slices of `x` along `dim` that the 1-D int32 `index` names, in its order (a batch's rows). */
  indexSelect(x: StridedView<S>, dim: number, index: StridedView<S>, outDtype: DType): S;
  /** im2col: NCHW input to `[N, C*kh*kw, outH*outW]` columns; out-of-bounds reads give `padValue`. */
  unfold(x: StridedView<S>, g: WindowGeometry, padValue: number, outDtype: DType): S;
  /** col2im, the adjoint of unfold: columns summed back into NCHW. */
  fold(cols: StridedView<S>, g: WindowGeometry, outDtype: DType): S;
  /**
   * 2-D convolution (cross-correlation) of NCHW `x` over the windows of `g` with a contiguous
   * `[outC, C/groups, kh, kw]` weight, plus an optional `[outC]` bias: `[N, outC, outH, outW]`.
   */
  conv2d(
    x: StridedView<S>,
    weight: StridedView<S>,
    bias: StridedView<S> | null,
    c: ConvShape,
    outDtype: DType,
  ): S;
  /** The gradient of conv2d's input for a contiguous `dy` of its output's shape: `[N, C, H, W]`. */
  conv2dInputGrad(dy: StridedView<S>, weight: StridedView<S>, c: ConvShape, outDtype: DType): S;
  /** The gradient of conv2d's weight for a contiguous `dy`: `[outC, C/groups, kh, kw]`. */
  conv2dWeightGrad(x: StridedView<S>, dy: StridedView<S>, c: ConvShape, outDtype: DType): S;
  /**
   * Max pooling of NCHW `x` over the windows of `g` (padding never wins): the pooled values
   * `[N, C, outH, outW]` in x's dtype and, when `withIndices`, backward's routing: the int32 flat
   * index into `x` of each window's element PyTorch's max_pool2d picks, the first maximum in
   * row-major order (the last NaN when the window holds one), whose value is the pooled one.
   */
  maxPool(x: StridedView<S>, g: WindowGeometry, withIndices: boolean): MaxPooled<S>;
  /** Per row of `[N, C]` logits, `logsumexp(x) − x[target]` against int32 class indices `[N]`. */
  crossEntropy(logits: StridedView<S>, target: StridedView<S>, outDtype: DType): S;
  /** Cross-entropy's gradient `(softmax(x) − onehot(target)) · dy[:, None]`, `[N, C]`. */
  crossEntropyGrad(logits: StridedView<S>, target: StridedView<S>, dy: StridedView<S>, outDtype: DType): S;
  /** One SGD step in place (PyTorch's order); `momentumBuffer` is null without momentum. */
  sgdStep(
    param: StridedView<S>,
    grad: StridedView<S>,
    momentumBuffer: StridedView<S> | null,
    o: SgdStep,
  ): void;
  /** One Adam or AdamW step in place; `maxExpAvgSq` is null without AMSGrad. */
  adamStep(param: StridedView<S>, grad: StridedView<S>, moments: AdamMoments<S>, o: AdamStep): void;
  /** One Adagrad step in place. */
  adagradStep(param: StridedView<S>, grad: StridedView<S>, sum: StridedView<S>, o: AdagradStep): void;
  /** One RMSprop step in place; unused buffers are null. */
  rmspropStep(param: StridedView<S>, grad: StridedView<S>, buffers: RmspropBuffers<S>, o: RmspropStep): void;
}

/** Kernels a backend may leave out: ops then compute the same with the kernels it must have. */
type OptionalKernel = 'matmulPair';

// Every kernel a backend must have; `satisfies` makes a kernel added to the interface but not
// listed here a compile error.
const KERNEL_NAMES = {
  full: true,
  unary: true,
  binary: true,
  select: true,
  reduce: true,
  argReduce: true,
  matmul: true,
  copy: true,
  gather: true,
  scatterAdd: true,
  scatter: true,
  cumulative: true,
  argsort: true,
  indexSelect: true,
  unfold: true,
  fold: true,
  conv2d: true,
  conv2dInputGrad: true,
  conv2dWeightGrad: true,
  maxPool: true,
  crossEntropy: true,
  crossEntropyGrad: true,
  sgdStep: true,
  adamStep: true,
  adagradStep: true,
  rmspropStep: true,
} as const satisfies { [K in Exclude<keyof Backend, 'name' | OptionalKernel>]: true };

// Chosen on first use, not at import (packages are side-effect free): see chooseBackend.
let active: Backend | null = null;

/**
 * The backend ops run on now. Unless `setBackend` chose one, it is picked on first use: the one
 * named by the environment variable `BACKPROP_BACKEND` (`cpu` or `wasm`, Node only), else
 * `wasmBackend` where the runtime compiles WebAssembly SIMD synchronously (Node 20+, workers),
 * else `cpuBackend`, the plain TypeScript reference.
 *
 * @example
 * ```ts
 * getBackend().name; // 'wasm' in Node 20+, 'cpu' where WebAssembly SIMD is unavailable
 * ```
 */
export function getBackend(): Backend {
  if (active === null) active = chooseBackend(backendFromEnv());
  return active;
}

/**
 * Makes `backend` the one every op runs on.
 *
 * @example
 * ```ts
 * setBackend(cpuBackend);
 * ```
 */
export function setBackend(backend: Backend): void {
  // A half-made backend would fail later inside some op, far from the call that installed it.
  const kernels = Object.keys(KERNEL_NAMES) as (keyof typeof KERNEL_NAMES)[];
  if (typeof backend !== 'object' || backend === null) {
    throw new TypeError(`setBackend: expected a Backend (an object with the kernels ${kernels.join(', ')})`);
  }
  const missing = kernels.filter((k) => typeof backend[k] !== 'function');
  if (missing.length > 0) {
    throw new TypeError(
      `setBackend: expected a Backend, but '${backend.name}' lacks the kernels ${missing.join(', ')}`,
    );
  }
  active = backend;
}
