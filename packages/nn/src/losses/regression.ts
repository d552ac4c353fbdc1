import { type Tensor, ValueError, where } from '@backprop/core';
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

/** Options of `huberLoss` (PyTorch's defaults). */
export interface HuberOptions extends ReductionOptions {
  /** Where the loss turns from quadratic to linear (default 1; must be > 0). */
  delta?: number;
}

/** Options of `smoothL1Loss` (PyTorch's defaults). */
export interface SmoothL1Options extends ReductionOptions {
  /** Where the loss turns from quadratic to linear (default 1; 0 gives `l1Loss`, as PyTorch). */
  beta?: number;
}

/**
 * The Huber loss, as PyTorch's `huber_loss`: with `z = |input − target|`, `z²/2` where `z < delta`
 * and `delta·(z − delta/2)` elsewhere, averaged by default. Quadratic near 0, linear (gradient
 * `±delta`) for outliers.
 *
 * @example
 * ```ts
 * huberLoss(tensor([0.5, 3]), tensor([0, 0]), { reduction: 'none' }).toArray(); // [0.125, 2.5]
 * ```
 */
export function huberLoss(input: Tensor, target: Tensor, options: HuberOptions = {}): Tensor {
  checkSameShape('huberLoss', input, target);
  const delta = options.delta ?? 1;
  if (!(delta > 0)) throw new ValueError(`huberLoss: delta must be > 0, got ${delta}`);
  return reduce('huberLoss', huber(input.sub(target), delta, 1), options.reduction);
}

/**
 * The smooth L1 loss, as PyTorch's `smooth_l1_loss`: with `z = |input − target|`, `z²/(2·beta)`
 * where `z < beta` and `z − beta/2` elsewhere (Huber with `delta = beta`, divided by `beta`);
 * `beta = 0` is `l1Loss`, whose gradient at `input = target` is 0 (PyTorch 1.13's smooth-L1
 * backward gives −1 there, from its `x ≤ −beta` branch). Averaged by default.
 *
 * @example
 * ```ts
 * smoothL1Loss(tensor([0.5, 3]), tensor([0, 0]), { reduction: 'none' }).toArray(); // [0.125, 2.5]
 * ```
 */
export function smoothL1Loss(input: Tensor, target: Tensor, options: SmoothL1Options = {}): Tensor {
  checkSameShape('smoothL1Loss', input, target);
  const beta = options.beta ?? 1;
  if (!(beta >= 0)) throw new ValueError(`smoothL1Loss: beta must be >= 0, got ${beta}`);
  const d = input.sub(target);
  return reduce('smoothL1Loss', beta === 0 ? d.abs() : huber(d, beta, 1 / beta), options.reduction);
}

// scale·(d²/2) where |d| < delta, else scale·delta·(|d| − delta/2): the two pieces meet at |d| = delta
// with equal values and equal slopes (±scale·delta), so either side's gradient there is PyTorch's.
// The quadratic piece squares d itself, not |d|, so its gradient d·scale needs no sign.
function huber(d: Tensor, delta: number, scale: number): Tensor {
  const quadratic = d.square().mul(0.5 * scale);
  const linear = d
    .abs()
    .sub(0.5 * delta)
    .mul(delta * scale);
  return where(d.abs().lt(delta), quadratic, linear);
}
