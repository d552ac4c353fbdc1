import { type Tensor, ValueError, where } from '@backprop/core';
import { checkSameShape } from '../shape-check.js';
import { type Reduction, reduce } from './reduction.js';

/** Options of `klDiv` (PyTorch's defaults). */
export interface KLDivOptions {
  /**
   * `'mean'` (default, as PyTorch: the mean over every element), `'batchmean'` (the sum divided by
   * the batch size `input.shape[0]`: the KL divergence of each example, averaged), `'sum'` or
   * `'none'`.
   */
  reduction?: Reduction | 'batchmean';
  /** The target is given as log-probabilities (default false: as probabilities). */
  logTarget?: boolean;
}

/**
 * The Kullback–Leibler divergence loss, as PyTorch's `kl_div`: `input` holds log-probabilities
 * (e.g. from `logSoftmax`) and `target` probabilities of the same shape; each element is
 * `target·(log target − input)`, or `exp(t)·(t − input)` with `logTarget`. `reduction: 'batchmean'`
 * gives the true KL divergence per example; the default `'mean'` also divides by the number of
 * classes, as PyTorch's. Where `target = 0` the element is 0 (not NaN, even where `input = −∞`) and
 * a target that requires grad gets 0 there (elsewhere `log target + 1 − input`): PyTorch 1.13 gives
 * a NaN gradient there (`xlogy`'s 0/0; its older `kl_div` backward gave 0), and a NaN value where
 * `input = −∞` too (0·∞).
 *
 * @example
 * ```ts
 * const logQ = tensor([[0.25, 0.75]]).log();
 * klDiv(logQ, tensor([[0.5, 0.5]]), { reduction: 'batchmean' }).item(); // 0.1438
 * ```
 */
export function klDiv(input: Tensor, target: Tensor, options: KLDivOptions = {}): Tensor {
  checkSameShape('klDiv', input, target);
  const reduction = options.reduction ?? 'mean';
  if (!['mean', 'batchmean', 'sum', 'none'].includes(reduction)) {
    throw new ValueError(
      `klDiv: reduction must be 'mean', 'batchmean', 'sum' or 'none', got '${String(reduction)}'`,
    );
  }
  let losses: Tensor;
  if (options.logTarget) {
    losses = target.exp().mul(target.sub(input));
  } else {
    // t·(log t − x), exactly 0 where t = 0: there log t reads log 1 and x reads 0, so neither −∞ nor
    // a 0·∞ enters the graph or its gradients (d/dt = log t + 1 − x, d/dx = −t; both 0 at t = 0).
    const zero = target.eq(0);
    const logT = where(zero, 1, target).log();
    losses = target.mul(logT.sub(where(zero, 0, input)));
  }
  if (reduction !== 'batchmean') return reduce('klDiv', losses, reduction);
  // The sum over each example, averaged over the batch (dim 0); a 0-d input is one example.
  const sum = losses.sum();
  return input.ndim === 0 ? sum : sum.div(input.shape[0]!);
}
