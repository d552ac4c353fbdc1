import { ShapeError, sub, type Tensor, ValueError, where } from '@backprop/core';
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

/** Options of `cosineEmbeddingLoss` (PyTorch's defaults). */
export interface CosineEmbeddingOptions extends ReductionOptions {
  /** Dissimilar pairs (y = −1) cost nothing once their cosine is at most this (default 0). */
  margin?: number;
}

/**
 * The cosine embedding loss, as PyTorch's `cosine_embedding_loss`: for each pair of rows of `x1`
 * and `x2` (`[N, D]` with labels `y` `[N]`, or `[D]` with a 0-d label), `1 − cos` where `y = 1`
 * (similar) and `max(0, cos − margin)` where `y = −1` (dissimilar), averaged by default. As
 * PyTorch, `cos = x1·x2 / sqrt((|x1|² + ε)(|x2|² + ε))` with ε = 1e-12, so a zero vector has cos 0.
 *
 * @example
 * ```ts
 * const a = tensor([[1, 0], [1, 0]]);
 * const b = tensor([[1, 1], [0, 1]]);
 * cosineEmbeddingLoss(a, b, tensor([1, -1]), { reduction: 'none' }).toArray(); // [1 − 1/√2, 0]
 * ```
 */
export function cosineEmbeddingLoss(
  x1: Tensor,
  x2: Tensor,
  y: Tensor,
  options: CosineEmbeddingOptions = {},
): Tensor {
  checkSameShape('cosineEmbeddingLoss', x1, x2, ['x1', 'x2']);
  const dim = y.ndim;
  if (dim > 1 || x1.ndim !== dim + 1 || (dim === 1 && y.shape[0] !== x1.shape[0])) {
    throw new ShapeError(
      `cosineEmbeddingLoss: expected inputs [N, D] with labels [N] or inputs [D] with a 0-d label, got ${fmtShape(x1.shape)} and labels ${fmtShape(y.shape)}`,
    );
  }
  checkSignTargets('cosineEmbeddingLoss', y);
  const EPSILON = 1e-12;
  const dot = x1.mul(x2).sum(dim);
  const norms = x1.square().sum(dim).add(EPSILON).mul(x2.square().sum(dim).add(EPSILON)).sqrt();
  const cos = dot.div(norms);
  // Two masks, as PyTorch's: a label that is neither 1 nor −1 (possible only on the GPU, where the
  // labels are not read back) adds 0.
  const similar = where(y.eq(1), sub(1, cos), 0);
  const dissimilar = where(y.eq(-1), cos.sub(options.margin ?? 0).clamp(0), 0);
  return reduce('cosineEmbeddingLoss', similar.add(dissimilar), options.reduction);
}
