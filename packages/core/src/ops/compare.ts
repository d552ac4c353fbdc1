import type { CompareOp } from '../backend/backend.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { binaryKernel, operands } from './kernels.js';

// Masks are bool tensors, as PyTorch's: `where` and `maskedFill` take them, `sum` counts them, and
// an accuracy is `pred.eq(y).to('float32').mean()`.
function compare(op: CompareOp, a: TensorLike, b: TensorLike): Tensor {
  const pair = operands(a, b, op);
  return binaryKernel(op, pair[0], pair[1], 'bool');
}

/**
 * Elementwise `a == b` as a bool mask (not differentiable).
 *
 * @example
 * ```ts
 * eq(tensor([1, 2]), 2).toArray(); // [false, true]
 * ```
 */
export function eq(a: TensorLike, b: TensorLike): Tensor {
  return compare('eq', a, b);
}

/**
 * Elementwise `a != b` as a bool mask.
 *
 * @example
 * ```ts
 * ne(tensor([1, 2]), 2).toArray(); // [true, false]
 * ```
 */
export function ne(a: TensorLike, b: TensorLike): Tensor {
  return compare('ne', a, b);
}

/**
 * Elementwise `a < b` as a bool mask.
 *
 * @example
 * ```ts
 * lt(tensor([1, 2]), 2).toArray(); // [true, false]
 * ```
 */
export function lt(a: TensorLike, b: TensorLike): Tensor {
  return compare('lt', a, b);
}

/**
 * Elementwise `a <= b` as a bool mask.
 *
 * @example
 * ```ts
 * le(tensor([1, 2]), 2).toArray(); // [true, true]
 * ```
 */
export function le(a: TensorLike, b: TensorLike): Tensor {
  return compare('le', a, b);
}

/**
 * Elementwise `a > b` as a bool mask.
 *
 * @example
 * ```ts
 * gt(tensor([1, 2]), 1).toArray(); // [false, true]
 * ```
 */
export function gt(a: TensorLike, b: TensorLike): Tensor {
  return compare('gt', a, b);
}

/**
 * Elementwise `a >= b` as a bool mask.
 *
 * @example
 * ```ts
 * ge(tensor([1, 2]), 2).toArray(); // [false, true]
 * ```
 */
export function ge(a: TensorLike, b: TensorLike): Tensor {
  return compare('ge', a, b);
}
