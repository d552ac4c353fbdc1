import { expectOptionalNumber, expectOptions, expectTensor, expectTensorLike, isTensor } from '../checks.js';
import { DTypeError, fmtShape, ShapeError } from '../errors.js';
import { normalizeDim } from '../shape.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { add, mul, where } from './elementwise.js';
import { scatterAddZeros, scatterInto } from './indexing.js';
import { scalarOf } from './kernels.js';
import { expand, reshape, slice } from './movement.js';

/** Options of `indexAdd`. */
export interface IndexAddOptions {
  /** Scales `src` before it is added (default 1). */
  alpha?: number;
}

// PyTorch's rules for scatter and scatterAdd: index is int32 with x's number of dims, no larger
// than x outside `dim` and no larger than src anywhere; src is read over index's shape.
function scatterOperands(
  op: string,
  x: Tensor,
  dim: number,
  index: Tensor,
  src: TensorLike,
): { d: number; source: Tensor } {
  expectTensor(op, 'input', x);
  expectTensor(op, 'index', index);
  expectTensorLike(op, 'src', src);
  const d = normalizeDim(dim, x.ndim, op);
  if (index.dtype !== 'int32')
    throw new DTypeError(`${op}: index must be an int32 tensor, got ${index.dtype}`);
  const fail = (why: string) =>
    new ShapeError(`${op}: index ${fmtShape(index.shape)} ${why} (input ${fmtShape(x.shape)}, dim ${dim})`);
  if (index.ndim !== x.ndim) throw fail('must have as many dims as the input');
  if (index.shape.some((s, i) => i !== d && s > x.shape[i]!))
    throw fail('is larger than the input outside dim');
  if (!isTensor(src)) return { d, source: expand(scalarOf(src, x.dtype, x), index.shape) };
  if (src.dtype !== x.dtype) {
    throw new DTypeError(`${op}: src must have the input's dtype ${x.dtype}, got ${src.dtype}`);
  }
  if (src.ndim !== x.ndim || index.shape.some((s, i) => s > src.shape[i]!)) {
    throw fail(`does not fit in src ${fmtShape(src.shape)}`);
  }
  let source = src;
  for (let i = 0; i < src.ndim; i++)
    if (src.shape[i] !== index.shape[i]) source = slice(source, i, 0, index.shape[i]);
  return { d, source };
}

/**
 * A copy of `x` with `src` written at `index` along `dim`: for dim 0,
 * `out[index[i][j]][j] = src[i][j]` (PyTorch's `scatter`). `src` may be a number. Where an index
 * repeats, one of the writes wins (the last on the cpu; unspecified on webgpu, as on CUDA). The
 * gradient reaches `x` where nothing was written and `src` at every element that was read.
 *
 * @example
 * ```ts
 * const index = tensor([[2, 0]], { dtype: 'int32' });
 * scatter(zeros([3, 2]), 0, index, tensor([[5, 6]])).toArray(); // [[0, 6], [0, 0], [5, 0]]
 * ```
 */
export function scatter(x: Tensor, dim: number, index: Tensor, src: TensorLike): Tensor {
  const { d, source } = scatterOperands('scatter', x, dim, index, src);
  return scatterInto(x, d, index, source);
}

/**
 * `x` with `src` added at `index` along `dim`; repeated indices add up (PyTorch's `scatter_add`).
 *
 * @example
 * ```ts
 * const index = tensor([0, 0, 2], { dtype: 'int32' });
 * scatterAdd(zeros([3]), 0, index, tensor([1, 2, 3])).toArray(); // [3, 0, 3]
 * ```
 */
export function scatterAdd(x: Tensor, dim: number, index: Tensor, src: Tensor): Tensor {
  expectTensor('scatterAdd', 'src', src);
  const { d, source } = scatterOperands('scatterAdd', x, dim, index, src);
  return add(x, scatterAddZeros(source, d, index, x.shape));
}

/**
 * `x` with the slices of `src` along `dim` added at the positions the 1-D int32 `index` names,
 * times `alpha` (PyTorch's `index_add`); repeated indices add up.
 *
 * @example
 * ```ts
 * indexAdd(zeros([3, 2]), 0, tensor([2, 0], { dtype: 'int32' }), ones([2, 2])).toArray();
 * // [[1, 1], [0, 0], [1, 1]]
 * ```
 */
export function indexAdd(
  x: Tensor,
  dim: number,
  index: Tensor,
  src: Tensor,
  options: IndexAddOptions = {},
): Tensor {
  expectTensor('indexAdd', 'input', x);
  expectTensor('indexAdd', 'index', index);
  expectTensor('indexAdd', 'src', src);
  expectOptions('indexAdd', options);
  const d = normalizeDim(dim, x.ndim, 'indexAdd');
  if (index.dtype !== 'int32')
    throw new DTypeError(`indexAdd: index must be an int32 tensor, got ${index.dtype}`);
  if (index.ndim > 1) throw new ShapeError(`indexAdd: index must be 1-D, got shape ${fmtShape(index.shape)}`);
  const count = index.size;
  const expected = x.shape.map((s, i) => (i === d ? count : s));
  if (src.ndim !== x.ndim || src.shape.some((s, i) => s !== expected[i])) {
    throw new ShapeError(
      `indexAdd: src must have shape ${fmtShape(expected)} (the input's, with dim ${dim} the index's length), got ${fmtShape(src.shape)}`,
    );
  }
  if (src.dtype !== x.dtype)
    throw new DTypeError(`indexAdd: src must have the input's dtype ${x.dtype}, got ${src.dtype}`);
  expectOptionalNumber('indexAdd', 'alpha', options.alpha);
  const alpha = options.alpha ?? 1;
  const lined = reshape(
    index,
    x.shape.map((_, i) => (i === d ? count : 1)),
  );
  const scaled = alpha === 1 ? src : mul(src, alpha);
  return add(x, scatterAddZeros(scaled, d, expand(lined, src.shape), x.shape));
}

/**
 * `value` where `mask` is true (non-zero), else `x`; the mask broadcasts with `x`. `value` is a
 * number or a 0-d tensor (differentiable).
 *
 * @example
 * ```ts
 * maskedFill(tensor([1, 2, 3]), tensor([1, 0, 1]), -1).toArray(); // [-1, 2, -1]
 * ```
 */
export function maskedFill(x: Tensor, mask: Tensor, value: TensorLike): Tensor {
  expectTensor('maskedFill', 'input', x);
  expectTensor('maskedFill', 'mask', mask);
  expectTensorLike('maskedFill', 'value', value);
  if (isTensor(value) && value.ndim !== 0) {
    throw new ShapeError(
      `maskedFill: value must be a number or a 0-d tensor, got shape ${fmtShape(value.shape)}`,
    );
  }
  return where(mask, value, x);
}
