import {
  attach,
  attachAll,
  type BackwardRule,
  type RuleTable,
  recording,
  recordingAll,
  SAVES_NOTHING,
} from '../autograd/node.js';
import { kernelsFor } from '../backend/dispatch.js';
import {
  checkNumel,
  expectBound,
  expectInteger,
  expectNumber,
  expectNumbers,
  expectShape,
  expectTensor,
  expectTensors,
} from '../checks.js';
import { promote } from '../dtype.js';
import { fmtShape, ShapeError, ValueError } from '../errors.js';
import { contiguousStrides, inferShape, normalizeDim, shapesEqual, sizeOf } from '../shape.js';
import { Tensor } from '../tensor.js';
import type { MovementOpName } from './op-names.js';

/** @internal A differentiable dense copy (or `x` itself when already dense and no copy is forced). */
export function contiguous(x: Tensor, forceCopy = false): Tensor {
  if (!forceCopy && x.isContiguous()) return x;
  checkNumel('contiguous', x.size, x.dtype, x.shape);
  const kernels = kernelsFor('contiguous', x);
  const out = new Tensor(kernels.full(x.size, 0, x.dtype), x.shape);
  kernels.copy(x, out);
  if (recording('contiguous', out, x)) attach(out, 'contiguous', x, null, SAVES_NOTHING, RULES.contiguous);
  return out;
}

// A copy or a view passes dy through unchanged (expand's is summed back by the engine).
const identityBackward: BackwardRule = (dy) => [dy];

function viewAs(x: Tensor, shape: readonly number[], op: 'reshape' | 'view'): Tensor {
  const out = new Tensor(x.storage, shape, contiguousStrides(shape), x.offset);
  if (recording(op, out, x)) attach(out, op, x, null, SAVES_NOTHING, RULES[op]);
  return out;
}

// d reshape = dy in x's shape
const reshapeBackward: BackwardRule = (dy, n) => [reshape(dy, n.input(0).shape)];

/**
 * The same elements in a new shape (one dim may be -1); a view when the tensor is dense, else a copy.
 *
 * @example
 * ```ts
 * arange(6).reshape([2, -1]).shape; // [2, 3]
 * ```
 */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  expectTensor('reshape', 'input', x);
  const target = inferShape(shape, x.size, 'reshape');
  if (shapesEqual(target, x.shape)) return x;
  return viewAs(contiguous(x), target, 'reshape');
}

/**
 * Like `reshape`, but never copies: throws when the tensor is not dense.
 *
 * @example
 * ```ts
 * arange(6).view([3, 2]).shape; // [3, 2]
 * ```
 */
export function view(x: Tensor, shape: readonly number[]): Tensor {
  expectTensor('view', 'input', x);
  const target = inferShape(shape, x.size, 'view');
  if (!x.isContiguous()) {
    throw new ShapeError(
      `view: tensor of shape ${fmtShape(x.shape)} with strides ${fmtShape(x.strides)} is not contiguous; use reshape()`,
    );
  }
  return shapesEqual(target, x.shape) ? x : viewAs(x, target, 'view');
}

/**
 * Merges dims `startDim..endDim` into one (all dims by default).
 *
 * @example
 * ```ts
 * zeros([2, 3, 4]).flatten(1).shape; // [2, 12]
 * ```
 */
export function flatten(x: Tensor, startDim = 0, endDim = -1): Tensor {
  expectTensor('flatten', 'input', x);
  if (x.ndim === 0) return reshape(x, [1]);
  const s = normalizeDim(startDim, x.ndim, 'flatten');
  const e = normalizeDim(endDim, x.ndim, 'flatten');
  if (s > e) throw new ShapeError(`flatten: startDim ${startDim} comes after endDim ${endDim}`);
  const merged = x.shape.slice(s, e + 1).reduce((a, b) => a * b, 1);
  return reshape(x, [...x.shape.slice(0, s), merged, ...x.shape.slice(e + 1)]);
}

/**
 * Removes size-1 dims (only `dim` when given; a `dim` of another size is left as is, as PyTorch).
 *
 * @example
 * ```ts
 * zeros([2, 1, 3]).squeeze().shape; // [2, 3]
 * ```
 */
export function squeeze(x: Tensor, dim?: number): Tensor {
  expectTensor('squeeze', 'input', x);
  if (dim === undefined)
    return reshape(
      x,
      x.shape.filter((d) => d !== 1),
    );
  const d = normalizeDim(dim, x.ndim, 'squeeze');
  if (x.shape[d] !== 1) return x;
  return reshape(
    x,
    x.shape.filter((_, i) => i !== d),
  );
}

/**
 * Inserts a size-1 dim at `dim` (negative counts from the end of the result).
 *
 * @example
 * ```ts
 * zeros([3]).unsqueeze(0).shape; // [1, 3]
 * ```
 */
export function unsqueeze(x: Tensor, dim: number): Tensor {
  expectTensor('unsqueeze', 'input', x);
  const d = normalizeDim(dim, x.ndim + 1, 'unsqueeze');
  return reshape(x, [...x.shape.slice(0, d), 1, ...x.shape.slice(d)]);
}

/**
 * Reorders dims (a view).
 *
 * @example
 * ```ts
 * zeros([2, 3, 4]).permute([2, 0, 1]).shape; // [4, 2, 3]
 * ```
 */
export function permute(x: Tensor, dims: readonly number[]): Tensor {
  expectTensor('permute', 'input', x);
  expectNumbers('permute', 'dims', dims);
  const order = dims.map((d) => normalizeDim(d, x.ndim, 'permute'));
  if (order.length !== x.ndim || new Set(order).size !== order.length) {
    throw new ShapeError(`permute: dims ${fmtShape(dims)} are not a permutation of ${x.ndim} dims`);
  }
  const out = new Tensor(
    x.storage,
    order.map((d) => x.shape[d]!),
    order.map((d) => x.strides[d]!),
    x.offset,
  );
  if (recording('permute', out, x)) attach(out, 'permute', x, null, SAVES_NOTHING, RULES.permute, order);
  return out;
}

// d permute = dy permuted back by the inverse order
const permuteBackward: BackwardRule<readonly number[]> = (dy, { params: order }) => {
  const inverse = new Array<number>(order.length);
  order.forEach((d, i) => {
    inverse[d] = i;
  });
  return [permute(dy, inverse)];
};

/**
 * Swaps two dims (a view).
 *
 * @example
 * ```ts
 * zeros([2, 3]).transpose(0, 1).shape; // [3, 2]
 * ```
 */
export function transpose(x: Tensor, dim0: number, dim1: number): Tensor {
  expectTensor('transpose', 'input', x);
  const a = normalizeDim(dim0, x.ndim, 'transpose');
  const b = normalizeDim(dim1, x.ndim, 'transpose');
  const order = x.shape.map((_, i) => (i === a ? b : i === b ? a : i));
  return permute(x, order);
}

/**
 * Broadcasts size-1 dims (and new leading dims) to `shape` without copying; -1 keeps a dim.
 *
 * @example
 * ```ts
 * tensor([[1], [2]]).expand([2, 3]).toArray(); // [[1, 1, 1], [2, 2, 2]]
 * ```
 */
export function expand(x: Tensor, shape: readonly number[]): Tensor {
  expectTensor('expand', 'input', x);
  expectNumbers('expand', 'shape', shape);
  const lead = shape.length - x.ndim;
  if (lead < 0) {
    throw new ShapeError(`expand: cannot expand shape ${fmtShape(x.shape)} to fewer dims ${fmtShape(shape)}`);
  }
  const outShape = shape.map((d, i) => (d === -1 && i >= lead ? x.shape[i - lead]! : d));
  expectShape('expand', outShape);
  const strides = outShape.map((d, i) => {
    if (i < lead) return 0;
    const own = x.shape[i - lead]!;
    if (own === d) return x.strides[i - lead]!;
    if (own === 1) return 0;
    throw new ShapeError(
      `expand: shape ${fmtShape(x.shape)} cannot be expanded to ${fmtShape(shape)} (dim ${i}: ${own} vs ${d})`,
    );
  });
  if (shapesEqual(outShape, x.shape)) return x;
  const out = new Tensor(x.storage, outShape, strides, x.offset);
  // The engine sums the gradient back to x's shape.
  if (recording('expand', out, x)) attach(out, 'expand', x, null, SAVES_NOTHING, RULES.expand);
  return out;
}

/**
 * Elements `start, start + step, …` below `end` along `dim` (a view, as Python's `x[start:end:step]`);
 * negative and out-of-range bounds behave as Python's, and `step` is a positive integer.
 *
 * @example
 * ```ts
 * arange(5).slice(0, 1, 3).toArray(); // [1, 2]
 * arange(6).slice(0, 0, null, 2).toArray(); // [0, 2, 4]
 * ```
 */
export function slice(x: Tensor, dim: number, start?: number | null, end?: number | null, step = 1): Tensor {
  expectTensor('slice', 'input', x);
  expectBound('slice', 'start', start);
  expectBound('slice', 'end', end);
  expectInteger('slice', 'step', step, 1);
  const d = normalizeDim(dim, x.ndim, 'slice');
  const n = x.shape[d]!;
  const clampIndex = (i: number) => Math.min(Math.max(i < 0 ? i + n : i, 0), n);
  const lo = clampIndex(start ?? 0);
  const hi = Math.max(clampIndex(end ?? n), lo);
  const count = Math.ceil((hi - lo) / step);
  const shape = x.shape.map((s, i) => (i === d ? count : s));
  const strides = step === 1 ? x.strides : x.strides.map((s, i) => (i === d ? s * step : s));
  const out = new Tensor(x.storage, shape, strides, x.offset + lo * x.strides[d]!);
  if (recording('slice', out, x))
    attach(out, 'slice', x, null, SAVES_NOTHING, RULES.slice, { d, lo, n, step });
  return out;
}

// d slice = dy placed back at its positions, zeros elsewhere. With a step, each element of dy is
// first followed by step − 1 zeros (a pad of a new dim, then a reshape), which lands it on its own
// position; the spread is then trimmed to the input and padded at both ends like a plain slice.
const sliceBackward: BackwardRule<{ d: number; lo: number; n: number; step: number }> = (
  dy,
  { params: p },
) => {
  const { d, lo, n, step } = p;
  if (step === 1) return [padDim(dy, d, lo, n - lo - dy.shape[d]!, 0)];
  const count = dy.shape[d]!;
  const spreadShape = dy.shape.map((s, i) => (i === d ? count * step : s));
  const spread = reshape(padDim(unsqueeze(dy, d + 1), d + 1, 0, step - 1, 0), spreadShape);
  const kept = Math.min(count * step, n - lo);
  return [padDim(slice(spread, d, 0, kept), d, lo, n - lo - kept, 0)];
};

function padDim(x: Tensor, dim: number, before: number, after: number, value: number): Tensor {
  const spec = new Array<number>(2 * (x.ndim - dim)).fill(0);
  spec[spec.length - 2] = before;
  spec[spec.length - 1] = after;
  return pad(x, spec, value);
}

/**
 * Pads with a constant, PyTorch's `F.pad` order: `[left, right]` of the last dim, then
 * `[top, bottom]` of the one before, and so on.
 *
 * @example
 * ```ts
 * pad(tensor([1, 2]), [1, 2]).toArray(); // [0, 1, 2, 0, 0]
 * ```
 */
export function pad(x: Tensor, padding: readonly number[], value = 0): Tensor {
  expectTensor('pad', 'input', x);
  expectNumbers('pad', 'padding', padding);
  expectNumber('pad', 'value', value);
  if (padding.length % 2 !== 0 || padding.length / 2 > x.ndim) {
    throw new ShapeError(
      `pad: padding ${fmtShape(padding)} must have an even length of at most 2 * ${x.ndim} for shape ${fmtShape(x.shape)}`,
    );
  }
  if (padding.some((p) => !Number.isInteger(p) || p < 0)) {
    throw new ValueError(`pad: padding ${fmtShape(padding)} must be non-negative integers`);
  }
  const before = x.shape.map(() => 0);
  const shape = [...x.shape];
  for (let k = 0; k < padding.length / 2; k++) {
    const d = x.ndim - 1 - k;
    before[d] = padding[2 * k]!;
    shape[d] = x.shape[d]! + padding[2 * k]! + padding[2 * k + 1]!;
  }
  checkNumel('pad', sizeOf(shape), x.dtype, shape);
  const kernels = kernelsFor('pad', x);
  const out = new Tensor(kernels.full(sizeOf(shape), value, x.dtype), shape);
  const interior = new Tensor(
    out.storage,
    x.shape,
    out.strides,
    before.reduce((o, b, d) => o + b * out.strides[d]!, 0),
  );
  kernels.copy(x, interior);
  if (recording('pad', out, x)) attach(out, 'pad', x, null, SAVES_NOTHING, RULES.pad, before);
  return out;
}

// d pad = the interior of dy
const padBackward: BackwardRule<readonly number[]> = (dy, { inputs, params: before }) => {
  const shape = inputs[0]!.shape;
  return [before.reduce((g, b, d) => slice(g, d, b, b + shape[d]!), dy)];
};

/**
 * Joins tensors along an existing dim.
 *
 * @example
 * ```ts
 * cat([tensor([1]), tensor([2, 3])], 0).toArray(); // [1, 2, 3]
 * ```
 */
export function cat(tensors: readonly Tensor[], dim = 0): Tensor {
  expectTensors('cat', 'tensors', tensors);
  // As PyTorch: a 0-d tensor has no dim to join along.
  const scalarAt = tensors.findIndex((t) => t.ndim === 0);
  if (scalarAt >= 0) {
    throw new ShapeError(`cat: zero-dimensional tensor (at position ${scalarAt}) cannot be concatenated`);
  }
  const first = tensors[0];
  if (!first) throw new ValueError('cat: expected a non-empty list of tensors');
  const d = normalizeDim(dim, first.ndim, 'cat');
  tensors.forEach((t, i) => {
    const fits = t.ndim === first.ndim && t.shape.every((s, k) => k === d || s === first.shape[k]);
    if (!fits) {
      throw new ShapeError(
        `cat: tensor ${i} has shape ${fmtShape(t.shape)}, which does not match ${fmtShape(first.shape)} except in dim ${d}`,
      );
    }
  });
  const dtype = tensors.reduce((dt, t) => promote(dt, t.dtype), first.dtype);
  const shape = first.shape.map((s, k) => (k === d ? tensors.reduce((n, t) => n + t.shape[d]!, 0) : s));
  checkNumel('cat', sizeOf(shape), dtype, shape);
  const kernels = kernelsFor('cat', first);
  const out = new Tensor(kernels.full(sizeOf(shape), 0, dtype), shape);
  const starts: number[] = [];
  let at = 0;
  for (const t of tensors) {
    starts.push(at);
    const part = new Tensor(out.storage, t.shape, out.strides, at * out.strides[d]!);
    kernelsFor('cat', t, part).copy(t, part);
    at += t.shape[d]!;
  }
  if (recordingAll('cat', out, tensors))
    attachAll(out, 'cat', tensors.slice(), SAVES_NOTHING, RULES.cat, { d, starts });
  return out;
}

// d cat = each input's part of dy
const catBackward: BackwardRule<{ d: number; starts: readonly number[] }> = (dy, { inputs, params }) => {
  const { d, starts } = params;
  return inputs.map((t, i) => (t.requiresGrad ? slice(dy, d, starts[i]!, starts[i]! + t.shape[d]!) : null));
};

const RULES = {
  contiguous: identityBackward,
  reshape: reshapeBackward,
  view: reshapeBackward,
  permute: permuteBackward,
  expand: identityBackward,
  slice: sliceBackward,
  pad: padBackward,
  cat: catBackward,
} satisfies RuleTable<MovementOpName>;

/**
 * Joins same-shaped tensors along a new dim.
 *
 * @example
 * ```ts
 * stack([tensor([1, 2]), tensor([3, 4])], 0).shape; // [2, 2]
 * ```
 */
export function stack(tensors: readonly Tensor[], dim = 0): Tensor {
  expectTensors('stack', 'tensors', tensors);
  const first = tensors[0];
  if (!first) throw new ValueError('stack: expected a non-empty list of tensors');
  tensors.forEach((t, i) => {
    if (!shapesEqual(t.shape, first.shape)) {
      throw new ShapeError(
        `stack: tensor ${i} has shape ${fmtShape(t.shape)}, expected ${fmtShape(first.shape)}`,
      );
    }
  });
  const d = normalizeDim(dim, first.ndim + 1, 'stack');
  return cat(
    tensors.map((t) => unsqueeze(t, d)),
    d,
  );
}
