import { customOp, DTypeError, kernelsFor, ShapeError, Tensor, ValueError } from '@backprop/core';
import { checkSameShape, fmtShape } from '../shape-check.js';
import { checkClassTargets, type ReductionOptions, reduce, reduceWeighted } from './reduction.js';

/** Options of `crossEntropy` and `nllLoss`. */
export interface ClassLossOptions extends ReductionOptions {
  /** Per-class weights `[C]`; the mean then divides by the sum of the weights of the targets. */
  weight?: Tensor;
}

/** Options of `multiMarginLoss` (PyTorch's defaults). */
export interface MultiMarginOptions extends ClassLossOptions {
  /** 1 (default) or 2: the power of each hinge term. */
  p?: 1 | 2;
  /** The margin each wrong class's score must stay below the right one's by (default 1). */
  margin?: number;
}

// Per-example cross-entropy `logsumexp(x) - x[target]` as one op, in one backend kernel:
// logsumexp never overflows, and the backward is the fused d/dx = softmax(x) - onehot(target),
// without a graph through log-softmax.
const fusedCrossEntropy = customOp({
  name: 'crossEntropy',
  forward: (ctx, logits, target) => {
    ctx.saveForBackward(logits, target);
    const rows = kernelsFor('crossEntropy', logits, target).crossEntropy(logits, target, logits.dtype);
    return new Tensor(rows, [logits.shape[0]!]);
  },
  backward: (ctx, dy) => {
    const [logits, target] = ctx.savedTensors as [Tensor, Tensor];
    return [crossEntropyGrad(logits, target, dy), null];
  },
});

// The gradient (softmax(x) - onehot(target)) * dy[:, None] as an op of its own, so gradients of
// gradients flow: with s = softmax(x) and upstream G, d/dx = dy * s * (G - sum(G * s)) per row (the
// softmax Jacobian) and d/d(dy) = sum(G * (s - onehot)) per row.
const crossEntropyGrad = customOp({
  name: 'crossEntropyBackward',
  forward: (ctx, logits, target, dy) => {
    ctx.saveForBackward(logits, target, dy);
    const grad = kernelsFor('crossEntropy', logits, target, dy).crossEntropyGrad(
      logits,
      target,
      dy,
      logits.dtype,
    );
    return new Tensor(grad, logits.shape);
  },
  backward: (ctx, g) => {
    const [logits, target, dy] = ctx.savedTensors as [Tensor, Tensor, Tensor];
    const s = logits.softmax(1);
    const dLogits = ctx.needsInputGrad[0] ? s.mul(g.sub(g.mul(s).sum(1, true))).mul(dy.unsqueeze(1)) : null;
    const hot = target.oneHot(logits.shape[1]!).to(s.dtype);
    const dDy = ctx.needsInputGrad[2] ? g.mul(s.sub(hot)).sum(1) : null;
    return [dLogits, null, dDy];
  },
});

/**
 * Cross-entropy of raw scores `[N, C]` against int32 class indices `[N]`: log-softmax and negative
 * log-likelihood fused into one stable op (finite for logits of ±1000). Targets may instead be class
 * probabilities of the same shape as the logits. Unbatched `[C]` logits take a 0-d target.
 *
 * @example
 * ```ts
 * const logits = tensor([[2, 0, 0], [0, 0, 3]], { requiresGrad: true });
 * const loss = crossEntropy(logits, tensor([0, 2], { dtype: 'int32' }));
 * loss.backward();
 * ```
 */
export function crossEntropy(input: Tensor, target: Tensor, options: ClassLossOptions = {}): Tensor {
  if (input.ndim === 1) {
    const batched = crossEntropy(input.unsqueeze(0), target.unsqueeze(0), options);
    return options.reduction === 'none' ? batched.squeeze(0) : batched;
  }
  if (target.dtype !== 'int32') {
    if (target.ndim !== input.ndim) {
      throw new DTypeError(
        `crossEntropy: class-index targets must be int32, got ${target.dtype} of shape ${fmtShape(target.shape)} (probability targets must have the logits' shape ${fmtShape(input.shape)})`,
      );
    }
    return softCrossEntropy(input, target, options);
  }
  const classes = checkClassTargets('crossEntropy', input, target);
  // Integer scores (which cannot require grad) are read as float32, as the composed ops would.
  const losses = fusedCrossEntropy(input.dtype === 'int32' ? input.to('float32') : input, target);
  return reduceWeighted('crossEntropy', losses, target, classes, options.weight, options.reduction);
}

// Probability targets: -sum_c w_c t_c log softmax(x)_c per example; the mean divides by N (as PyTorch).
function softCrossEntropy(input: Tensor, target: Tensor, options: ClassLossOptions): Tensor {
  checkSameShape('crossEntropy', input, target, ['logits', 'probability target']);
  if (input.ndim !== 2) {
    throw new ShapeError(`crossEntropy: expected input of shape [N, C], got ${fmtShape(input.shape)}`);
  }
  let terms = target.mul(input.logSoftmax(1));
  if (options.weight) terms = terms.mul(options.weight);
  return reduce('crossEntropy', terms.sum(1).neg(), options.reduction);
}

/**
 * Negative log-likelihood of log-probabilities `[N, C]` (e.g. from `LogSoftmax`) against int32
 * class indices `[N]`: `-input[n, target[n]]`.
 *
 * @example
 * ```ts
 * nllLoss(tensor([[-0.1, -2.3]]), tensor([0], { dtype: 'int32' })).item(); // 0.1
 * ```
 */
export function nllLoss(input: Tensor, target: Tensor, options: ClassLossOptions = {}): Tensor {
  const classes = checkClassTargets('nllLoss', input, target);
  const losses = input.gather(1, target.unsqueeze(1)).squeeze(1).neg();
  return reduceWeighted('nllLoss', losses, target, classes, options.weight, options.reduction);
}

/**
 * The multi-class hinge loss of PyTorch's `multi_margin_loss`: per example,
 * `Σ_{i ≠ y} max(0, margin − x[y] + x[i])^p / C`.
 *
 * @example
 * ```ts
 * multiMarginLoss(tensor([[0.1, 0.2, 0.4, 0.8]]), tensor([3], { dtype: 'int32' })).item(); // 0.325
 * ```
 */
export function multiMarginLoss(input: Tensor, target: Tensor, options: MultiMarginOptions = {}): Tensor {
  const classes = checkClassTargets('multiMarginLoss', input, target);
  const p = options.p ?? 1;
  if (p !== 1 && p !== 2) throw new ValueError(`multiMarginLoss: p must be 1 or 2, got ${String(p)}`);
  const picked = input.gather(1, target.unsqueeze(1));
  let hinge = input
    .sub(picked)
    .add(options.margin ?? 1)
    .relu();
  if (p === 2) hinge = hinge.square();
  if (options.weight) {
    if (options.weight.ndim !== 1 || options.weight.shape[0] !== classes) {
      throw new ShapeError(
        `multiMarginLoss: weight must have shape [${classes}], got ${fmtShape(options.weight.shape)}`,
      );
    }
    hinge = hinge.mul(options.weight.indexSelect(0, target).unsqueeze(1));
  }
  // The i = y term is max(0, margin): masked out, it is not part of the sum.
  const others = target.oneHot(classes).neg().add(1).to(hinge.dtype);
  return reduce('multiMarginLoss', hinge.mul(others).sum(1).div(classes), options.reduction);
}
