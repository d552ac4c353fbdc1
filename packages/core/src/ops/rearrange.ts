import { expectIndexList, expectInteger, expectTensor } from '../checks.js';
import { fmtShape, ShapeError, ValueError } from '../errors.js';
import { normalizeDim, normalizeDims } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { mul, sub, where } from './elementwise.js';
import { indexSelect } from './indexing.js';
import { cat, expand, reshape, slice } from './movement.js';
import { positionsOn } from './transfer.js';

// Ops that rearrange elements, built from views (slice, reshape, expand) and copies (cat,
// indexSelect, where), so each one's gradient comes from theirs.

/**
 * Splits along `dim` into pieces of `size` elements (the last may be smaller), or into pieces of
 * the sizes listed, which must add up to the dim's size. The pieces are views.
 *
 * @example
 * ```ts
 * split(arange(5), 2).map((t) => t.toArray()); // [[0, 1], [2, 3], [4]]
 * split(arange(5), [1, 4]).map((t) => t.shape); // [[1], [4]]
 * ```
 */
export function split(x: Tensor, sizeOrSizes: number | readonly number[], dim = 0): Tensor[] {
  expectTensor('split', 'input', x);
  const d = normalizeDim(dim, x.ndim, 'split');
  const n = x.shape[d]!;
  let sizes: readonly number[];
  if (typeof sizeOrSizes === 'number') {
    expectInteger('split', 'size', sizeOrSizes, n === 0 ? 0 : 1);
    const count = n === 0 ? 1 : Math.ceil(n / sizeOrSizes);
    sizes = Array.from({ length: count }, (_, i) => Math.min(sizeOrSizes, n - i * sizeOrSizes));
  } else {
    expectIndexList('split', 'sizes', sizeOrSizes);
    const total = sizeOrSizes.reduce((a, b) => a + b, 0);
    if (sizeOrSizes.some((s) => s < 0) || total !== n) {
      throw new ValueError(
        `split: sizes ${fmtShape(sizeOrSizes)} must be non-negative and add up to dim ${dim}'s size ${n}`,
      );
    }
    sizes = sizeOrSizes;
  }
  let start = 0;
  return sizes.map((s) => {
    const piece = slice(x, d, start, start + s);
    start += s;
    return piece;
  });
}

/**
 * Splits along `dim` into at most `chunks` views of ⌈size / chunks⌉ elements each (the last may be
 * smaller, and fewer pieces come back when the size runs out first), as PyTorch's `chunk`.
 *
 * @example
 * ```ts
 * chunk(arange(5), 3).map((t) => t.shape[0]); // [2, 2, 1]
 * ```
 */
export function chunk(x: Tensor, chunks: number, dim = 0): Tensor[] {
  expectTensor('chunk', 'input', x);
  expectInteger('chunk', 'chunks', chunks, 1);
  const d = normalizeDim(dim, x.ndim, 'chunk');
  const n = x.shape[d]!;
  if (n === 0) return Array.from({ length: chunks }, () => slice(x, d, 0, 0));
  return split(x, Math.ceil(n / chunks), d);
}

/**
 * `length` elements from `start` along `dim` (a view); a negative `start` counts from the end.
 *
 * @example
 * ```ts
 * narrow(arange(5), 0, 1, 3).toArray(); // [1, 2, 3]
 * ```
 */
export function narrow(x: Tensor, dim: number, start: number, length: number): Tensor {
  expectTensor('narrow', 'input', x);
  const d = normalizeDim(dim, x.ndim, 'narrow');
  const n = x.shape[d]!;
  expectInteger('narrow', 'start', start);
  expectInteger('narrow', 'length', length, 0);
  const from = start < 0 ? start + n : start;
  if (from < 0 || from > n || from + length > n) {
    throw new ValueError(
      `narrow: start ${start} and length ${length} do not fit in dim ${dim} of size ${n} (shape ${fmtShape(x.shape)})`,
    );
  }
  return slice(x, d, from, from + length);
}

/**
 * Reverses the order of elements along each of `dims` (a copy).
 *
 * @example
 * ```ts
 * flip(tensor([[1, 2], [3, 4]]), 1).toArray(); // [[2, 1], [4, 3]]
 * ```
 */
export function flip(x: Tensor, dims: number | readonly number[]): Tensor {
  expectTensor('flip', 'input', x);
  if (typeof dims !== 'number' && Array.isArray(dims) && dims.length === 0) return x;
  let out = x;
  for (const d of normalizeDims(dims, x.ndim, 'flip')) {
    const n = x.shape[d]!;
    if (n > 1)
      out = indexSelect(
        out,
        d,
        positionsOn(x, n, (i) => n - 1 - i),
      );
  }
  return out;
}

/**
 * Shifts elements along `dims` by `shifts`, wrapping around; without `dims` the flattened tensor
 * is rolled and its shape restored, as PyTorch's `roll`.
 *
 * @example
 * ```ts
 * roll(tensor([1, 2, 3, 4]), 1).toArray(); // [4, 1, 2, 3]
 * ```
 */
export function roll(
  x: Tensor,
  shifts: number | readonly number[],
  dims?: number | readonly number[],
): Tensor {
  expectTensor('roll', 'input', x);
  const shiftList = typeof shifts === 'number' ? [shifts] : shifts;
  expectIndexList('roll', 'shifts', shiftList);
  if (dims === undefined) {
    if (shiftList.length !== 1)
      throw new ValueError(`roll: without dims, shifts must be one number, got ${fmtShape(shiftList)}`);
    return reshape(roll(reshape(x, [x.size]), shiftList[0]!, 0), x.shape);
  }
  const dimList = typeof dims === 'number' ? [dims] : dims;
  if (dimList.length !== shiftList.length) {
    throw new ValueError(
      `roll: shifts ${fmtShape(shiftList)} and dims ${fmtShape(dimList)} must have the same length`,
    );
  }
  let out = x;
  dimList.forEach((dim, k) => {
    const d = normalizeDim(dim, x.ndim, 'roll');
    const n = x.shape[d]!;
    const s = n === 0 ? 0 : ((shiftList[k]! % n) + n) % n;
    if (s !== 0) out = cat([slice(out, d, n - s), slice(out, d, 0, n - s)], d);
  });
  return out;
}

/**
 * Tiles `x`: dim i repeated `reps[i]` times (PyTorch's `repeat`, NumPy's `tile`); `reps` may be
 * longer than `x.ndim`, adding leading dims.
 *
 * @example
 * ```ts
 * repeat(tensor([1, 2]), [2, 2]).toArray(); // [[1, 2, 1, 2], [1, 2, 1, 2]]
 * ```
 */
export function repeat(x: Tensor, reps: readonly number[]): Tensor {
  expectTensor('repeat', 'input', x);
  expectIndexList('repeat', 'reps', reps);
  if (reps.length < x.ndim) {
    throw new ValueError(
      `repeat: reps ${fmtShape(reps)} must have at least as many entries as the input has dims (${x.ndim})`,
    );
  }
  if (reps.some((r) => r < 0))
    throw new ValueError(`repeat: reps must be non-negative, got ${fmtShape(reps)}`);
  const shape = [...reps.slice(0, reps.length - x.ndim).map(() => 1), ...x.shape];
  // [1, s0, 1, s1, …] expanded to [r0, s0, r1, s1, …], then merged pairwise.
  const paired = reshape(
    x,
    shape.flatMap((s) => [1, s]),
  );
  const tiled = expand(
    paired,
    shape.flatMap((s, i) => [reps[i]!, s]),
  );
  return reshape(
    tiled,
    shape.map((s, i) => s * reps[i]!),
  );
}

function triangle(op: 'tril' | 'triu', x: Tensor, k: number): Tensor {
  expectTensor(op, 'input', x);
  expectInteger(op, 'diagonal', k);
  if (x.ndim < 2)
    throw new ShapeError(`${op}: input must have at least 2 dims, got shape ${fmtShape(x.shape)}`);
  const m = x.shape[x.ndim - 2]!;
  const n = x.shape[x.ndim - 1]!;
  const rows = positionsOn(x, m, undefined, [m, 1]);
  const cols = positionsOn(x, n);
  const offset = sub(cols, rows); // j − i
  return where(op === 'tril' ? offset.le(k) : offset.ge(k), x, 0);
}

/**
 * The lower triangle of the last two dims: elements with `j − i <= k` kept, the rest zero.
 *
 * @example
 * ```ts
 * tril(ones([2, 2])).toArray(); // [[1, 0], [1, 1]]
 * ```
 */
export function tril(x: Tensor, k = 0): Tensor {
  return triangle('tril', x, k);
}

/**
 * The upper triangle of the last two dims: elements with `j − i >= k` kept, the rest zero.
 *
 * @example
 * ```ts
 * triu(ones([2, 2]), 1).toArray(); // [[0, 1], [0, 0]]
 * ```
 */
export function triu(x: Tensor, k = 0): Tensor {
  return triangle('triu', x, k);
}

/**
 * The outer product of two 1-D tensors: `out[i][j] = a[i] · b[j]`.
 *
 * @example
 * ```ts
 * outer(tensor([1, 2]), tensor([3, 4])).toArray(); // [[3, 4], [6, 8]]
 * ```
 */
export function outer(a: Tensor, b: Tensor): Tensor {
  expectTensor('outer', 'input', a);
  expectTensor('outer', 'vec2', b);
  if (a.ndim !== 1 || b.ndim !== 1) {
    throw new ShapeError(
      `outer: expected two 1-D tensors, got shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`,
    );
  }
  return mul(reshape(a, [a.size, 1]), reshape(b, [1, b.size]));
}
