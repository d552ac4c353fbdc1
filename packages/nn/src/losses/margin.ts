import { ShapeError, sub, type Tensor, ValueError } from '@backprop/core';
import { checkSameShape, fmtShape } from '../shape-check.js';
import { type ReductionOptions, reduce } from './reduction.js';

/** Options of `hingeLoss`. */
export interface HingeOptions extends ReductionOptions {
  /** Scores must beat this margin to cost nothing (default 1). */
  margin?: number;
}

function checkSignTargets(op: string, targets: Tensor): void {
  // Values on the GPU are not read back to check them (that would stall every step).
  if (targets.device !== 'cpu') return;
  const values = targets.data();
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v !== 1 && v !== -1) {
      throw new ValueError(`${op}: targets must be -1 or +1, got ${v} at flat index ${i}`);
    }
  }
}

/**
 * The SVM hinge loss of scores against targets in {−1, +1} (same shape): `max(0, margin − y·s)`,
 * averaged by default. Zero once every example is on the right side by the margin.
 *
 * @example
 * ```ts
 * hingeLoss(tensor([2, -0.5]), tensor([1, 1])).item(); // (0 + 1.5) / 2 = 0.75
 * ```
 */
export function hingeLoss(scores: Tensor, targets: Tensor, options: HingeOptions = {}): Tensor {
  checkSameShape('hingeLoss', scores, targets, ['scores', 'targets']);
  checkSignTargets('hingeLoss', targets);
  const losses = sub(options.margin ?? 1, targets.mul(scores)).relu();
  return reduce('hingeLoss', losses, options.reduction);
}

/**
 * The 0-1 loss, a metric (not differentiable): 1 for each misclassified example, averaged by
 * default (the error rate). For `[N]` (or `[N, 1]`) scores, targets are in {−1, +1} and the prediction
 * is +1 where the score is > 0; for `[N, C]` scores, targets are int32 class indices and the prediction
 * is the argmax.
 *
 * @example
 * ```ts
 * zeroOneLoss(tensor([0.3, -2, 1]), tensor([1, 1, -1])).item(); // 2 / 3
 * zeroOneLoss(tensor([[1, 3], [2, 0]]), tensor([1, 1], { dtype: 'int32' })).item(); // 0.5
 * ```
 */
export function zeroOneLoss(scores: Tensor, targets: Tensor, options: ReductionOptions = {}): Tensor {
  // A single output column [N, 1] (one score per example) is read as [N] scores, not as one class.
  if (scores.ndim === 2 && scores.shape[1] === 1) scores = scores.reshape([-1]);
  if (scores.ndim === 1 && targets.ndim === 2 && targets.shape[1] === 1) targets = targets.reshape([-1]);
  let wrong: Tensor;
  if (scores.ndim === 1) {
    checkSameShape('zeroOneLoss', scores, targets, ['scores', 'targets']);
    checkSignTargets('zeroOneLoss', targets);
    wrong = scores.detach().gt(0).mul(2).sub(1).ne(targets);
  } else if (scores.ndim === 2 && targets.ndim === 1 && targets.shape[0] === scores.shape[0]) {
    wrong = scores.detach().argmax(1).ne(targets.to('int32'));
  } else {
    throw new ShapeError(
      `zeroOneLoss: expected scores [N] with targets [N] or scores [N, C] with targets [N], got ${fmtShape(scores.shape)} and ${fmtShape(targets.shape)}`,
    );
  }
  return reduce('zeroOneLoss', wrong.to('float32'), options.reduction);
}
