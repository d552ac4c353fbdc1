import type { Tensor } from '@backprop/core';
import { checkSameShape } from '../shape-check.js';
import { type ReductionOptions, reduce } from './reduction.js';

/**
 * Squared error `(input − target)²`, averaged by default. Shapes must match exactly (a `[N, 1]`
 * prediction against a `[N]` target is an error here, not a silent broadcast).
 *
 * @example
 * ```ts
 * mseLoss(tensor([1, 2]), tensor([1, 4])).item(); // 2
 * ```
 */
export function mseLoss(input: Tensor, target: Tensor, options: ReductionOptions = {}): Tensor {
  checkSameShape('mseLoss', input, target);
  return reduce('mseLoss', input.sub(target).square(), options.reduction);
}

/**
 * Absolute error `|input − target|`, averaged by default.
 *
 * @example
 * ```ts
 * l1Loss(tensor([1, 2]), tensor([1, 4])).item(); // 1
 * ```
 */
export function l1Loss(input: Tensor, target: Tensor, options: ReductionOptions = {}): Tensor {
  checkSameShape('l1Loss', input, target);
  return reduce('l1Loss', input.sub(target).abs(), options.reduction);
}
