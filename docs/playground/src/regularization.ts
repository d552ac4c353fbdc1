// L1 regularization as a term of the training loss, so that backward adds its gradient
// rate · sign(w) to every parameter's. (L2 is the optimizers' weight decay, which adds rate · w.)
import type { Tensor } from '@backprop/core';

/**
 * rate · Σ|p| over every element of every parameter, recorded for backward: its gradient with
 * respect to p is rate · sign(p) (0 where p is 0).
 *
 * @example
 * ```ts
 * loss.add(l1Penalty(net.parameters(), 0.01)).backward();
 * ```
 */
export function l1Penalty(params: readonly Tensor[], rate: number): Tensor {
  if (params.length === 0) throw new Error('l1Penalty: no parameters to regularize');
  const total = params.map((p) => p.abs().sum()).reduce((sum, term) => sum.add(term));
  return total.mul(rate);
}
