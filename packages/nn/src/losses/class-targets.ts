import { DTypeError, IndexError, ShapeError, type Tensor, ValueError, where } from '@backprop/core';
import { fmtShape } from '../shape-check.js';
import { type Reduction, reduce } from './reduction.js';

/** What `checkIndexTargets` learned: the number of classes, and whether any target is ignored. */
export interface IndexTargets {
  classes: number;
  /** null where the targets were not read (on the GPU, where reading them would stall the queue). */
  anyIgnored: boolean | null;
}

/**
 * Checks int32 class indices against scores of shape `[C]` (0-d target), `[N, C]` (target `[N]`) or
 * `[N, C, d1, ...]` (target `[N, d1, ...]`), class dim 1 as PyTorch: every target is in [0, C) or
 * equals `ignoreIndex`.
 */
export function checkIndexTargets(
  op: string,
  input: Tensor,
  target: Tensor,
  ignoreIndex: number,
): IndexTargets {
  if (input.ndim === 0) {
    throw new ShapeError(`${op}: expected input of shape [C], [N, C] or [N, C, d1, ...], got []`);
  }
  if (target.dtype !== 'int32') {
    throw new DTypeError(`${op}: class targets must be an int32 tensor of indices, got ${target.dtype}`);
  }
  const classes = input.shape[input.ndim === 1 ? 0 : 1]!;
  const expected = input.ndim === 1 ? [] : [input.shape[0]!, ...input.shape.slice(2)];
  if (fmtShape(target.shape) !== fmtShape(expected)) {
    throw new ShapeError(
      `${op}: target of shape ${fmtShape(target.shape)} does not match input ${fmtShape(input.shape)} (expected ${fmtShape(expected)})`,
    );
  }
  // On the GPU the kernels that read the targets record one out of range as a fault, thrown at the
  // next read (a host check here would stall the queue every step).
  if (target.device !== 'cpu') return { classes, anyIgnored: null };
  const values = target.data();
  let anyIgnored = false;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v === ignoreIndex) anyIgnored = true;
    else if (v < 0 || v >= classes) {
      throw new IndexError(`${op}: target ${v} at index ${i} is out of range for ${classes} classes`);
    }
  }
  return { classes, anyIgnored };
}

/** Checks per-class weights (`[C]`) and casts them to the scores' dtype, so float32 losses stay float32. */
export function checkClassWeight(
  op: string,
  weight: Tensor,
  classes: number,
  dtype: Tensor['dtype'],
): Tensor {
  if (weight.ndim !== 1 || weight.shape[0] !== classes) {
    throw new ShapeError(`${op}: weight must have shape [${classes}], got ${fmtShape(weight.shape)}`);
  }
  return weight.dtype === dtype ? weight : weight.to(dtype);
}

/** Checks `ignoreIndex` is an integer (a fractional one would silently match no target). */
export function checkIgnoreIndex(op: string, ignoreIndex: number): number {
  if (!Number.isInteger(ignoreIndex)) {
    throw new ValueError(`${op}: ignoreIndex must be an integer, got ${ignoreIndex}`);
  }
  return ignoreIndex;
}

/** Scores with the class dim last, as rows `[R, C]`: `[C]` → `[1, C]`; `[N, C, d...]` → `[N·d..., C]`. */
export function classRows(x: Tensor): Tensor {
  if (x.ndim === 1) return x.unsqueeze(0);
  if (x.ndim === 2) return x;
  const dims = [0, ...Array.from({ length: x.ndim - 2 }, (_, i) => i + 2), 1];
  return x.permute(dims).reshape([-1, x.shape[1]!]);
}

/**
 * Per-row losses `[R]` of class-index targets, each already scaled by its class weight `w` and
 * zeroed where ignored (`keep` is 0 there), reduced as PyTorch's `nll_loss`: `'none'` keeps the
 * target's shape; `'mean'` divides the sum by the number of targets kept, or with class weights by
 * the sum of their weights (0 / 0 = NaN when every target is ignored, as PyTorch).
 */
export function reduceRows(
  op: string,
  losses: Tensor,
  targetShape: readonly number[],
  keep: Tensor | null,
  w: Tensor | null,
  reduction: Reduction = 'mean',
): Tensor {
  if (reduction === 'none') {
    return fmtShape(losses.shape) === fmtShape(targetShape) ? losses : losses.reshape([...targetShape]);
  }
  if (reduction !== 'mean' || (!keep && !w)) return reduce(op, losses, reduction);
  const total = w ? (keep ? where(keep, w, 0) : w).sum() : keep!.sum();
  return losses.sum().div(total);
}
