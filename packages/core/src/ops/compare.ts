import type { CompareOp } from '../backend/backend.js';
import { promote } from '../dtype.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { binaryKernel, operands } from './kernels.js';

// Masks are 1/0 in float32 (float64 if an operand is), so `pred.eq(y).mean()` is an accuracy.
function compare(op: CompareOp, a: TensorLike, b: TensorLike): Tensor {
  const pair = operands(a, b, op);
  const x = pair[0];
  const y = pair[1];
  return binaryKernel(op, x, y, promote(x.dtype, y.dtype) === 'float64' ? 'float64' : 'float32');
}

/**
 * Elementwise `a == b` as a 1/0 mask (not differentiable).
 *
 * @example
 * ```ts
 * eq(tensor([1, 2]), 2).toArray(); // [0, 1]
 * ```
 */
export function eq(a: TensorLike, b: TensorLike): Tensor {
  return compare('eq', a, b);
}

/**
 * Elementwise `a != b` as a 1/0 mask.
 *
 * @example
 * ```ts
 * ne(tensor([1, 2]), 2).toArray(); // [1, 0]
 * ```
 */
export function ne(a: TensorLike, b: TensorLike): Tensor {
  return compare('ne', a, b);
}

/**
 * Elementwise `a < b` as a 1/0 mask.
 *
 * @example
 * ```ts
 * lt(tensor([1, 2]), 2).toArray(); // [1, 0]
 * ```
 */
export function lt(a: TensorLike, b: TensorLike): Tensor {
  return compare('lt', a, b);
}

/**
 * Elementwise `a <= b` as a 1/0 mask.
 *
 * @example
 * ```ts
 * le(tensor([1, 2]), 2).toArray(); // [1, 1]
 * ```
 */
export function le(a: TensorLike, b: TensorLike): Tensor {
  return compare('le', a, b);
}

/**
 * Elementwise `a > b` as a 1/0 mask.
 *
 * @example
 * ```ts
 * gt(tensor([1, 2]), 1).toArray(); // [0, 1]
 * ```
 */
export function gt(a: TensorLike, b: TensorLike): Tensor {
  return compare('gt', a, b);
}

/**
 * Elementwise `a >= b` as a 1/0 mask.
 *
 * @example
 * ```ts
 * ge(tensor([1, 2]), 2).toArray(); // [0, 1]
 * ```
 */
export function ge(a: TensorLike, b: TensorLike): Tensor {
  return compare('ge', a, b);
}
