import { kernelsFor } from '../backend/dispatch.js';
import { expectInteger, expectTensor } from '../checks.js';
import { ValueError } from '../errors.js';
import { normalizeDim } from '../shape.js';
import { Tensor } from '../tensor.js';
import { gather } from './indexing.js';
import { reshape, slice } from './movement.js';

/** What `sort` and `topk` return: the values (differentiable) and their int32 positions along the dim. */
export interface SortResult {
  /** The sorted values; their gradient flows back to the positions in `indices`. */
  readonly values: Tensor;
  /** Where each value was along the dim, as int32. */
  readonly indices: Tensor;
}

// The stable order of x along dim, as int32 positions (a 0-d tensor is one line of one element).
function order(op: string, x: Tensor, dim: number, descending: boolean): { d: number; indices: Tensor } {
  expectTensor(op, 'input', x);
  if (typeof descending !== 'boolean')
    throw new TypeError(`${op}: descending must be a boolean, got ${typeof descending}`);
  const d = normalizeDim(dim, x.ndim, op);
  if (x.ndim === 0) return { d, indices: new Tensor(kernelsFor(op, x).full(1, 0, 'int32'), []) };
  return { d, indices: new Tensor(kernelsFor(op, x).argsort(x, d, descending), x.shape) };
}

function valuesAt(x: Tensor, d: number, indices: Tensor): Tensor {
  return x.ndim === 0
    ? reshape(gather(reshape(x, [1]), 0, reshape(indices, [1])), [])
    : gather(x, d, indices);
}

/**
 * Sorts along `dim` (the last by default), ascending unless `descending`. Stable: equal values keep
 * their index order, in either direction (PyTorch's `stable=True`); NaN sorts above every number.
 * The values' gradient goes back to the positions they came from.
 *
 * @example
 * ```ts
 * const { values, indices } = sort(tensor([3, 1, 2]));
 * values.toArray(); // [1, 2, 3]
 * indices.toArray(); // [1, 2, 0]
 * ```
 */
export function sort(x: Tensor, dim = -1, descending = false): SortResult {
  const { d, indices } = order('sort', x, dim, descending);
  return { values: valuesAt(x, d, indices), indices };
}

/**
 * The positions that sort `x` along `dim`: `sort(x, dim, descending).indices`.
 *
 * @example
 * ```ts
 * argsort(tensor([3, 1, 2])).toArray(); // [1, 2, 0]
 * ```
 */
export function argsort(x: Tensor, dim = -1, descending = false): Tensor {
  return order('argsort', x, dim, descending).indices;
}

/**
 * The `k` largest (or, with `largest = false`, smallest) values along `dim`, in sorted order, with
 * their positions. Ties keep index order: the earlier element comes first.
 *
 * @example
 * ```ts
 * topk(tensor([1, 5, 3, 5]), 2).indices.toArray(); // [1, 3]
 * ```
 */
export function topk(x: Tensor, k: number, dim = -1, largest = true): SortResult {
  expectTensor('topk', 'input', x);
  expectInteger('topk', 'k', k, 0);
  const size = x.ndim === 0 ? 1 : x.shape[normalizeDim(dim, x.ndim, 'topk')]!;
  if (k > size) throw new ValueError(`topk: k = ${k} is larger than dim ${dim}'s size ${size}`);
  const { d, indices } = order('topk', x, dim, largest);
  const kept = x.ndim === 0 ? indices : slice(indices, d, 0, k);
  return { values: valuesAt(x, d, kept), indices: kept };
}
