import { DTypeError, IndexError, ShapeError, type Tensor, ValueError } from '@backprop/core';
import { fmtShape } from '../shape-check.js';

/** How a loss combines per-element values: their mean (default), their sum, or none (kept as they are). */
export type Reduction = 'mean' | 'sum' | 'none';

/** Options every loss takes. */
export interface ReductionOptions {
  /** `'mean'` (default) and `'sum'` give a scalar; `'none'` keeps one loss per example. */
  reduction?: Reduction;
}

/** Applies `reduction` to per-element losses. */
export function reduce(op: string, loss: Tensor, reduction: Reduction = 'mean'): Tensor {
  switch (reduction) {
    case 'mean':
      return loss.mean();
    case 'sum':
      return loss.sum();
    case 'none':
      return loss;
    default:
      throw new ValueError(`${op}: reduction must be 'mean', 'sum' or 'none', got '${String(reduction)}'`);
  }
}

/**
 * Checks class-index targets for `[N, C]` scores: an int32 `[N]` tensor with values in [0, C).
 * Returns the number of classes.
 */
export function checkClassTargets(op: string, input: Tensor, target: Tensor): number {
  if (input.ndim !== 2) {
    throw new ShapeError(`${op}: expected input of shape [N, C], got ${fmtShape(input.shape)}`);
  }
  const [n, c] = input.shape as [number, number];
  if (target.dtype !== 'int32') {
    throw new DTypeError(`${op}: class targets must be an int32 tensor of indices, got ${target.dtype}`);
  }
  if (target.ndim !== 1 || target.shape[0] !== n) {
    throw new ShapeError(
      `${op}: target of shape ${fmtShape(target.shape)} does not match input ${fmtShape(input.shape)} (expected [${n}])`,
    );
  }
  // On the GPU the kernels that read the targets record one out of range as a fault, thrown at the
  // next read (a host check here would stall the queue every step).
  if (target.device !== 'cpu') return c;
  const values = target.data();
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < 0 || v >= c)
      throw new IndexError(`${op}: target ${v} at index ${i} is out of range for ${c} classes`);
  }
  return c;
}
