import {
  DTypeError,
  type Generator,
  ones,
  ShapeError,
  softmax,
  type Tensor,
  triu,
  where,
} from '@backprop/core';
import { fmtShape } from '../shape-check.js';
import { dropout } from './dropout.js';

/** Options of `scaledDotProductAttention`. */
export interface ScaledDotProductAttentionOptions {
  /**
   * `[..., L, S]`, broadcast against the scores: a bool mask says where a query may attend (true =
   * attend, as PyTorch 2's `F.scaled_dot_product_attention`); a float mask is added to the scores.
   */
  attnMask?: Tensor | null;
  /** Dropout on the attention weights (default 0: none). */
  dropoutP?: number;
  /** Each query attends only to keys at or before its position (an upper-triangular −∞ mask). */
  isCausal?: boolean;
  /** Multiplies the scores (default 1/√E, E the query's last dim). */
  scale?: number;
  /** Generator for the dropout mask (default: the global one `manualSeed` seeds). */
  generator?: Generator;
}

/**
 * @internal softmax(q kᵀ · scale + bias) v, with the weights (after dropout) as well. `bias` is
 * additive (−∞ where attention is not allowed), already broadcastable to `[..., L, S]`.
 */
export function attend(
  q: Tensor,
  k: Tensor,
  v: Tensor,
  bias: Tensor | null,
  dropoutP: number,
  generator: Generator | undefined,
): { out: Tensor; weights: Tensor } {
  const scores = q.matmul(k.transpose(-2, -1));
  const weights = dropout(softmax(bias ? scores.add(bias) : scores, -1), dropoutP, {
    training: dropoutP > 0,
    generator,
  });
  return { out: weights.matmul(v), weights };
}

/** @internal The additive form of a mask: a bool mask is 0 where `allowed` and −∞ elsewhere. */
export function additiveMask(op: string, mask: Tensor, allowed: boolean, like: Tensor): Tensor {
  if (mask.dtype === 'bool') {
    const open = mask.device === like.device ? mask : mask.to(like.device);
    return allowed ? where(open, 0, Number.NEGATIVE_INFINITY) : where(open, Number.NEGATIVE_INFINITY, 0);
  }
  if (mask.dtype === 'int32') {
    throw new DTypeError(
      `${op}: a mask must be bool (which positions) or float (added to the scores), got int32`,
    );
  }
  return mask;
}

/** @internal The causal mask of L queries over S keys: −∞ above the diagonal. */
export function causalMask(l: number, s: number, like: Tensor): Tensor {
  const above = triu(ones([l, s], { dtype: 'bool', device: like.device }), 1);
  return where(above, Number.NEGATIVE_INFINITY, 0);
}

/**
 * Attention of queries `q` `[..., L, E]` over keys `k` `[..., S, E]` and values `v` `[..., S, Ev]`:
 * `softmax(q kᵀ / √E + mask) v`, as PyTorch 2's `F.scaled_dot_product_attention` (bool `attnMask`:
 * true = may attend; float: added). Differentiable in q, k, v and a float mask.
 *
 * @example
 * ```ts
 * const q = randn([2, 4, 5, 8]); // batch, heads, length, head dim
 * scaledDotProductAttention(q, q, q, { isCausal: true }).shape; // [2, 4, 5, 8]
 * ```
 */
export function scaledDotProductAttention(
  q: Tensor,
  k: Tensor,
  v: Tensor,
  options: ScaledDotProductAttentionOptions = {},
): Tensor {
  const op = 'scaledDotProductAttention';
  if (
    q.ndim < 2 ||
    k.ndim < 2 ||
    v.ndim < 2 ||
    q.shape.at(-1) !== k.shape.at(-1) ||
    k.shape.at(-2) !== v.shape.at(-2)
  ) {
    throw new ShapeError(
      `${op}: expected q [..., L, E], k [..., S, E] and v [..., S, Ev], got ${fmtShape(q.shape)}, ${fmtShape(k.shape)} and ${fmtShape(v.shape)}`,
    );
  }
  const { attnMask = null, dropoutP = 0, isCausal = false, generator } = options;
  if (isCausal && attnMask) throw new ShapeError(`${op}: give attnMask or isCausal, not both (as PyTorch)`);
  const l = q.shape.at(-2)!;
  const s = k.shape.at(-2)!;
  const bias = isCausal ? causalMask(l, s, q) : attnMask ? additiveMask(op, attnMask, true, q) : null;
  const scale = options.scale ?? 1 / Math.sqrt(q.shape.at(-1)!);
  return attend(q.mul(scale), k, v, bias, dropoutP, generator).out;
}
