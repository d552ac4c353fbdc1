import type { DType, TypedArray } from '../dtype.js';
import type { Shape } from '../shape.js';
import { backendFromEnv, chooseBackend } from './select.js';

/** What a kernel reads: storage plus shape, strides and offset (a Tensor is one). */
export interface StridedView {
  /** The typed array holding the elements. */
  readonly storage: TypedArray;
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
  | 'identity';

/** Names of the elementwise two-input kernels (comparisons included). */
export type BinaryOp = 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'maximum' | 'minimum' | CompareOp;
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
 * The kernels every op runs on, grouped by family. Results are fresh contiguous row-major arrays;
 * inputs may be any strided view (broadcast dims have stride 0). A backend never sees autograd:
 * ops own the chain rule, backends only compute values, so a faster backend slots in unchanged.
 */
export interface Backend {
  /** A short name for messages and benchmarks, e.g. `'cpu'`. */
  readonly name: string;
  /** Elementwise `op(x)` with up to two scalar parameters (slope, alpha, clamp bounds). */
  unary(op: UnaryOp, x: StridedView, outDtype: DType, p0?: number, p1?: number): TypedArray;
  /** Elementwise `op(a, b)`; `a` and `b` already broadcast to `outShape` through their strides. */
  binary(op: BinaryOp, a: StridedView, b: StridedView, outShape: Shape, outDtype: DType): TypedArray;
  /** `cond != 0 ? a : b`, all three broadcast to `outShape` through their strides. */
  select(cond: StridedView, a: StridedView, b: StridedView, outShape: Shape, outDtype: DType): TypedArray;
  /** Reduces over sorted `dims`; the result has the input's shape without them. */
  reduce(op: ReduceOp, x: StridedView, dims: readonly number[], outDtype: DType): TypedArray;
  /** Index of the first maximum (or minimum) along `dim`; the result drops `dim`. */
  argReduce(op: 'argmax' | 'argmin', x: StridedView, dim: number): Int32Array;
  /** Batched matrix product of `[...batch, m, k]` and `[...batch, k, n]` (same batch shape). */
  matmul(a: StridedView, b: StridedView, outDtype: DType): TypedArray;
  /** Copies `src` into the strided `dst` of the same shape. */
  copy(src: StridedView, dst: StridedView): void;
  /** `out[i][j] = x[i][index[i][j]]` along `dim` (PyTorch's gather); the result has index's shape. */
  gather(x: StridedView, dim: number, index: StridedView, outDtype: DType): TypedArray;
  /** Zeros of `outShape` with `src` added at `index` along `dim` (the adjoint of gather). */
  scatterAdd(src: StridedView, dim: number, index: StridedView, outShape: Shape, outDtype: DType): TypedArray;
  /** im2col: NCHW input to `[N, C*kh*kw, outH*outW]` columns; out-of-bounds reads give `padValue`. */
  unfold(x: StridedView, g: WindowGeometry, padValue: number, outDtype: DType): TypedArray;
  /** col2im, the adjoint of unfold: columns summed back into NCHW. */
  fold(cols: StridedView, g: WindowGeometry, outDtype: DType): TypedArray;
}

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
  const kernels = ['unary', 'binary', 'select', 'reduce', 'argReduce', 'matmul', 'copy'] as const;
  if (
    typeof backend !== 'object' ||
    backend === null ||
    kernels.some((k) => typeof backend[k] !== 'function')
  ) {
    throw new TypeError(
      `setBackend: expected a Backend (an object with the kernels ${kernels.join(', ')}, ...)`,
    );
  }
  active = backend;
}
