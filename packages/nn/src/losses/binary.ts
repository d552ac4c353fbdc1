import { customOp, sub, type Tensor, ValueError } from '@backprop/core';
import { checkSameShape } from '../shape-check.js';
import { type ReductionOptions, reduce } from './reduction.js';

/** Options of `binaryCrossEntropy`. */
export interface BCEOptions extends ReductionOptions {
  /** Per-element weights, broadcast against the losses. */
  weight?: Tensor;
}

/** Options of `bceWithLogits`. */
export interface BCEWithLogitsOptions extends BCEOptions {
  /** Weight of the positive term per class (PyTorch's `pos_weight`), broadcast against the input. */
  posWeight?: Tensor;
}

// -(y log x + (1 - y) log(1 - x)) with each log clamped at -100, as PyTorch, so x = 0 or 1 gives a
// finite loss. The backward is PyTorch's: d/dx = (x - y) / max(x (1 - x), 1e-12), finite at 0 and 1
// too; d/dy = log(1 - x) - log(x) = -logit(x), unclamped as PyTorch's (±Infinity at x = 1 or 0).
const bce = customOp({
  name: 'binaryCrossEntropy',
  forward: (ctx, x, y) => {
    ctx.saveForBackward(x, y);
    const logX = x.log().clamp(-100);
    const log1mX = sub(1, x).log().clamp(-100);
    return y.mul(logX).add(sub(1, y).mul(log1mX)).neg();
  },
  backward: (ctx, dy) => {
    const [x, y] = ctx.savedTensors as [Tensor, Tensor];
    const [needX, needY] = ctx.needsInputGrad;
    const dx = needX ? dy.mul(x.sub(y)).div(x.mul(sub(1, x)).clamp(1e-12)) : null;
    const dTarget = needY ? dy.mul(sub(1, x).log().sub(x.log())) : null;
    return [dx, dTarget];
  },
});

/**
 * Binary cross-entropy of probabilities `input` in [0, 1] against targets in [0, 1] (same shape).
 * Logs are clamped at −100 as in PyTorch. A target that requires grad gets PyTorch's gradient
 * `log(1 − x) − log(x)` (scaled by weight and reduction). Prefer `bceWithLogits` on raw scores: it
 * is stable where a sigmoid saturates.
 *
 * @example
 * ```ts
 * binaryCrossEntropy(tensor([0.9, 0.2]), tensor([1, 0])).item(); // 0.1643
 * ```
 */
export function binaryCrossEntropy(input: Tensor, target: Tensor, options: BCEOptions = {}): Tensor {
  checkSameShape('binaryCrossEntropy', input, target);
  // Values on the GPU are not read back to check them: a probability outside [0, 1] gives NaN there.
  const values = input.device === 'cpu' ? input.data() : new Float32Array(0);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!(v >= 0 && v <= 1)) {
      throw new ValueError(
        `binaryCrossEntropy: input must hold probabilities in [0, 1], got ${v} at flat index ${i} (use bceWithLogits for raw scores)`,
      );
    }
  }
  let losses = bce(input, target);
  if (options.weight) losses = losses.mul(options.weight);
  return reduce('binaryCrossEntropy', losses, options.reduction);
}

/**
 * Binary cross-entropy of raw scores (logits), fused with the sigmoid and stable for any |x|:
 * `max(x, 0) − x·y + log(1 + e^−|x|)`, i.e. `softplus(x) − x·y`, whose gradient is `σ(x) − y`
 * (and `−x` for a target that requires grad; with `posWeight`, `pw·softplus(−x) − softplus(x)`,
 * as PyTorch).
 *
 * @example
 * ```ts
 * bceWithLogits(tensor([1000, -1000]), tensor([1, 0])).item(); // 0
 * ```
 */
export function bceWithLogits(input: Tensor, target: Tensor, options: BCEWithLogitsOptions = {}): Tensor {
  checkSameShape('bceWithLogits', input, target);
  let losses: Tensor;
  if (options.posWeight) {
    // (1 - y) x + (1 + (pw - 1) y) softplus(-x): the positive term log(1 + e^-x) scaled by pw.
    const scale = options.posWeight.sub(1).mul(target).add(1);
    losses = sub(1, target).mul(input).add(scale.mul(input.neg().softplus()));
  } else {
    losses = input.softplus().sub(input.mul(target));
  }
  if (options.weight) losses = losses.mul(options.weight);
  return reduce('bceWithLogits', losses, options.reduction);
}
