import { customOp, DTypeError, kernelsFor, ShapeError, Tensor, ValueError, where } from '@backprop/core';
import { checkSameShape, fmtShape } from '../shape-check.js';
import {
  checkClassWeight,
  checkIgnoreIndex,
  checkIndexTargets,
  classRows,
  reduceRows,
} from './class-targets.js';
import { checkClassTargets, type ReductionOptions, reduce } from './reduction.js';

/** Options of `nllLoss` (PyTorch's defaults). */
export interface ClassLossOptions extends ReductionOptions {
  /** Per-class weights `[C]`; the mean then divides by the sum of the weights of the targets kept. */
  weight?: Tensor;
  /** Targets equal to it add nothing and are left out of the mean (default −100, as PyTorch). */
  ignoreIndex?: number;
}

/** Options of `crossEntropy` (PyTorch's defaults). */
export interface CrossEntropyOptions extends ClassLossOptions {
  /**
   * In [0, 1] (default 0): the target becomes `(1 − ε)·onehot + ε / C` (class weights and ignored
   * targets apply to the smoothed term too, as PyTorch).
   */
  labelSmoothing?: number;
}

/** Options of `multiMarginLoss` (PyTorch's defaults). */
export interface MultiMarginOptions extends ReductionOptions {
  /** Per-class weights `[C]`, scaling each example's loss by the weight of its target. */
  weight?: Tensor;
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
 * Cross-entropy of raw scores against int32 class indices, as PyTorch's `cross_entropy`: scores
 * `[N, C]` with targets `[N]`, `[N, C, d1, ...]` with `[N, d1, ...]` (class dim 1), or unbatched `[C]`
 * with a 0-d target. Targets may instead be class probabilities of the scores' shape (soft labels).
 * The plain case is one fused, stable op (finite for logits of ±1000). Options as PyTorch's:
 * per-class `weight` (the mean divides by the summed weights of the targets kept), `ignoreIndex`
 * (default −100; those targets add 0 and leave the mean's denominator; all ignored gives NaN) and
 * `labelSmoothing` (`(1 − ε)·nll + ε/C·Σ_c w_c·(−log p_c)`; for probability targets, `t(1 − ε) + ε/C`).
 *
 * @example
 * ```ts
 * const logits = tensor([[2, 0, 0], [0, 0, 3]], { requiresGrad: true });
 * const loss = crossEntropy(logits, tensor([0, 2], { dtype: 'int32' }), { labelSmoothing: 0.1 });
 * loss.backward();
 * crossEntropy(logits, tensor([0, -100], { dtype: 'int32' })).item(); // row 0's loss only: 0.2395
 * ```
 */
export function crossEntropy(input: Tensor, target: Tensor, options: CrossEntropyOptions = {}): Tensor {
  const smoothing = options.labelSmoothing ?? 0;
  if (!(smoothing >= 0 && smoothing <= 1)) {
    throw new ValueError(`crossEntropy: labelSmoothing must be in [0, 1], got ${smoothing}`);
  }
  const ignoreIndex = checkIgnoreIndex('crossEntropy', options.ignoreIndex ?? -100);
  // Integer scores (which cannot require grad) are read as float32, as the composed ops would.
  const x = input.dtype === 'int32' ? input.to('float32') : input;
  if (target.dtype === 'int32') return indexCrossEntropy(x, target, options, smoothing, ignoreIndex);
  if (target.ndim !== input.ndim) {
    throw new DTypeError(
      `crossEntropy: class-index targets must be int32, got ${target.dtype} of shape ${fmtShape(target.shape)} (probability targets must have the logits' shape ${fmtShape(input.shape)})`,
    );
  }
  if (ignoreIndex >= 0) {
    throw new ValueError(
      `crossEntropy: ignoreIndex is not supported for probability targets, got ${ignoreIndex}`,
    );
  }
  return softCrossEntropy(x, target, options, smoothing);
}

// Class-index targets. Without smoothing each row is the fused op (ignored rows read class 0, then
// are zeroed by the mask); with smoothing, (1 - ε) w_t (-log p_t) + ε/C Σ_c w_c (-log p_c) from one
// log-softmax. Where no target is ignored (known on the cpu, where the targets are read for the range
// check anyway) no mask is built, so the plain case stays one fused op and a mean. On the GPU the
// targets are not read back (that would stall the queue), so the mask is always built: a few O(N)
// kernels beside the O(N·C) fused one.
function indexCrossEntropy(
  x: Tensor,
  target: Tensor,
  options: CrossEntropyOptions,
  smoothing: number,
  ignoreIndex: number,
): Tensor {
  const { classes, anyIgnored } = checkIndexTargets('crossEntropy', x, target, ignoreIndex);
  const weight = options.weight && checkClassWeight('crossEntropy', options.weight, classes, x.dtype);
  const rows = classRows(x);
  const t = target.ndim === 1 ? target : target.reshape([-1]);
  const keep = anyIgnored === false ? null : t.ne(ignoreIndex);
  const safe = keep ? where(keep, t, 0) : t;
  const w = weight ? weight.indexSelect(0, safe) : null;
  let losses: Tensor;
  if (smoothing === 0) {
    losses = fusedCrossEntropy(rows, safe);
    if (w) losses = losses.mul(w);
  } else {
    const logP = rows.logSoftmax(1);
    const nll = logP.gather(1, safe.unsqueeze(1)).squeeze(1).neg();
    const uniform = (weight ? logP.mul(weight) : logP).sum(1).neg();
    losses = (w ? nll.mul(w) : nll).mul(1 - smoothing).add(uniform.mul(smoothing / classes));
  }
  if (keep) losses = where(keep, losses, 0);
  return reduceRows('crossEntropy', losses, target.shape, keep, w, options.reduction);
}

// Probability targets: -Σ_c w_c t_c log softmax(x)_c over the class dim; the mean divides by the
// number of rows (N·d1·...), as PyTorch.
function softCrossEntropy(
  x: Tensor,
  target: Tensor,
  options: CrossEntropyOptions,
  smoothing: number,
): Tensor {
  checkSameShape('crossEntropy', x, target, ['logits', 'probability target']);
  if (x.ndim === 0) {
    throw new ShapeError('crossEntropy: expected input of shape [C], [N, C] or [N, C, d1, ...], got []');
  }
  const dim = x.ndim === 1 ? 0 : 1;
  const classes = x.shape[dim]!;
  const t = smoothing > 0 ? target.mul(1 - smoothing).add(smoothing / classes) : target;
  let terms = x.logSoftmax(dim).mul(t);
  if (options.weight) {
    const weight = checkClassWeight('crossEntropy', options.weight, classes, x.dtype);
    terms = terms.mul(weight.reshape([classes, ...Array<number>(x.ndim - dim - 1).fill(1)]));
  }
  return reduce('crossEntropy', terms.sum(dim).neg(), options.reduction);
}

/**
 * Negative log-likelihood of log-probabilities (e.g. from `LogSoftmax`) against int32 class indices:
 * `-input[n, target[n]]`, with the shapes, `weight` and `ignoreIndex` (default −100) of
 * `crossEntropy`.
 *
 * @example
 * ```ts
 * nllLoss(tensor([[-0.1, -2.3]]), tensor([0], { dtype: 'int32' })).item(); // 0.1
 * ```
 */
export function nllLoss(input: Tensor, target: Tensor, options: ClassLossOptions = {}): Tensor {
  const ignoreIndex = checkIgnoreIndex('nllLoss', options.ignoreIndex ?? -100);
  const { classes, anyIgnored } = checkIndexTargets('nllLoss', input, target, ignoreIndex);
  const weight = options.weight && checkClassWeight('nllLoss', options.weight, classes, input.dtype);
  const t = target.ndim === 1 ? target : target.reshape([-1]);
  const keep = anyIgnored === false ? null : t.ne(ignoreIndex);
  const safe = keep ? where(keep, t, 0) : t;
  const w = weight ? weight.indexSelect(0, safe) : null;
  let losses = classRows(input).gather(1, safe.unsqueeze(1)).squeeze(1).neg();
  if (w) losses = losses.mul(w);
  if (keep) losses = where(keep, losses, 0);
  return reduceRows('nllLoss', losses, target.shape, keep, w, options.reduction);
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
