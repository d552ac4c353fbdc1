import { withGradMode } from '../autograd/grad-mode.js';
import { attach, type BackwardRule, type RuleTable, recording, SAVES_NOTHING } from '../autograd/node.js';
import type { ReduceOp } from '../backend/backend.js';
import { kernelsFor } from '../backend/dispatch.js';
import { expectOptionalNumber, expectOptions, expectTensor } from '../checks.js';
import { DTypeError } from '../errors.js';
import { normalizeDim, normalizeDims, reducedShape, type Shape, shapesEqual } from '../shape.js';
import { Tensor } from '../tensor.js';
import { div, mul, sqrt, square, sub, where } from './elementwise.js';
import { expand, reshape } from './movement.js';
import type { ReduceOpName } from './op-names.js';
import { positionsOn } from './transfer.js';

type Dims = number | readonly number[] | undefined;

/** Options of `var` and `std`. */
export interface VarOptions {
  /** Subtracted from the element count in the denominator: 1 is Bessel's correction (default), 0 the population variance. */
  correction?: number;
}

// Reshapes a reduced gradient so it broadcasts against the input again (re-inserting size-1 dims).
function keptShape(x: Tensor, dims: readonly number[], g: Tensor): Tensor {
  return reshape(g, reducedShape(x.shape, dims, true));
}

// A sum of bool counts in int32 (PyTorch's int64); max and min of bool stay bool.
function reduceKernel(op: ReduceOp, x: Tensor, dims: readonly number[], keepDim: boolean): Tensor {
  const dtype = op === 'sum' && x.dtype === 'bool' ? 'int32' : x.dtype;
  return new Tensor(kernelsFor(op, x).reduce(op, x, dims, dtype), reducedShape(x.shape, dims, keepDim));
}

/**
 * Sum over `dim` (a dim, a list of dims, or all when omitted); negative dims count from the end.
 * A bool tensor's sum counts its true elements, as int32.
 *
 * @example
 * ```ts
 * tensor([[1, 2], [3, 4]]).sum(1).toArray(); // [3, 7]
 * ```
 */
export function sum(x: Tensor, dim?: Dims, keepDim = false): Tensor {
  expectTensor('sum', 'input', x);
  const dims = normalizeDims(dim, x.ndim, 'sum');
  const out = reduceKernel('sum', x, dims, keepDim);
  if (recording('sum', out, x)) attach(out, 'sum', x, null, SAVES_NOTHING, RULES.sum, dims);
  return out;
}

// d sum = dy copied to every summed element
const sumBackward: BackwardRule<readonly number[]> = (dy, { inputs, params: dims }) => {
  const x = inputs[0]!;
  return [expand(keptShape(x, dims, dy), x.shape)];
};

/** @internal Sums a broadcast gradient down to `shape` (leading dims and size-1 dims). */
export function sumToShape(g: Tensor, shape: Shape): Tensor {
  if (shapesEqual(g.shape, shape)) return g;
  const lead = g.ndim - shape.length;
  const dims: number[] = [];
  for (let i = 0; i < g.ndim; i++) {
    if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) dims.push(i);
  }
  return reshape(sum(g, dims, true), shape);
}

/**
 * Mean over `dim` (all when omitted); int32 input gives float32.
 *
 * @example
 * ```ts
 * tensor([[1, 2], [3, 4]]).mean(0).toArray(); // [2, 3]
 * ```
 */
export function mean(x: Tensor, dim?: Dims, keepDim = false): Tensor {
  expectTensor('mean', 'input', x);
  if (x.dtype === 'bool') {
    throw new DTypeError(
      "mean: a bool tensor has no mean (as in PyTorch); convert it first: x.to('float32').mean()",
    );
  }
  const dims = normalizeDims(dim, x.ndim, 'mean');
  const count = dims.reduce((n, d) => n * x.shape[d]!, 1);
  return div(sum(x, dims, keepDim), count);
}

// The tie rules of PyTorch: over one dim (its max(dim)), dy goes to the first extreme along it, the
// index argmax returns; over all dims (max()), dy is split evenly among the elements equal to the
// extreme, or among the NaNs when it is NaN; over a list of dims (amax), dy / count times the mask of
// the elements equal to it. The first two are `where`s, so an infinite dy leaves zeros, as there.
function extremum(op: 'max' | 'min', x: Tensor, dim: Dims, keepDim: boolean): Tensor {
  const dims = normalizeDims(dim, x.ndim, op);
  const out = reduceKernel(op, x, dims, keepDim);
  if (recording(op, out, x)) attach(out, op, x, null, [x, out], RULES[op], { op, dim, dims, out });
  return out;
}

interface ExtremumParams {
  readonly op: 'max' | 'min';
  /** The dims as the user gave them: one dim, a list, or all (undefined) pick the tie rule. */
  readonly dim: Dims;
  readonly dims: readonly number[];
  readonly out: Tensor;
}

const extremumBackward: BackwardRule<ExtremumParams> = (dy, { inputs, params }) => {
  const x = inputs[0]!;
  const { op, dim, dims, out } = params;
  const g = keptShape(x, dims, dy);
  if (dims.length === 0) return [g];
  if (typeof dim === 'number') return [where(firstExtreme(op, x, dims[0]!), g, 0)];
  const m = keptShape(x, dims, out.detach());
  if (dim !== undefined) {
    const mask = x.eq(m);
    return [mul(div(g, sum(mask, dims, true)), mask)];
  }
  const mask = where(m.ne(m), x.ne(x), x.eq(m));
  return [where(mask, div(g, sum(mask, dims, true)), 0)];
};

// A mask of x's shape, 1 at the first maximum (or minimum) along d: position == argmax(x, d).
function firstExtreme(op: 'max' | 'min', x: Tensor, d: number): Tensor {
  const index = new Tensor(
    kernelsFor(op, x).argReduce(op === 'max' ? 'argmax' : 'argmin', x, d),
    reducedShape(x.shape, [d], true),
  );
  const n = x.shape[d]!;
  const positions = positionsOn(
    x,
    n,
    undefined,
    x.shape.map((s, i) => (i === d ? s : 1)),
  );
  return positions.eq(index);
}

/**
 * Largest value over `dim` (all when omitted). Values only; indices come from `argmax`. At ties,
 * as PyTorch: over one dim the gradient goes to the first maximum along it (the index `argmax`
 * returns), over all dims it is split evenly among the maxima, and over a list of dims it is split
 * as `amax` splits it. A NaN is the maximum.
 *
 * @example
 * ```ts
 * tensor([[1, 5], [7, 2]]).max(1).toArray(); // [5, 7]
 * ```
 */
export function max(x: Tensor, dim?: Dims, keepDim = false): Tensor {
  expectTensor('max', 'input', x);
  return extremum('max', x, dim, keepDim);
}

/**
 * Smallest value over `dim` (all when omitted); ties and NaN as in `max`.
 *
 * @example
 * ```ts
 * tensor([[1, 5], [7, 2]]).min(1).toArray(); // [1, 2]
 * ```
 */
export function min(x: Tensor, dim?: Dims, keepDim = false): Tensor {
  expectTensor('min', 'input', x);
  return extremum('min', x, dim, keepDim);
}

/**
 * Largest value over `dim` (a dim or a list of dims; all when omitted). At ties the gradient is
 * split evenly among the maxima of each reduced group, as PyTorch's `amax`.
 *
 * @example
 * ```ts
 * amax(tensor([[1, 5], [7, 2]]), 0).toArray(); // [7, 5]
 * ```
 */
export function amax(x: Tensor, dim?: Dims, keepDim = false): Tensor {
  expectTensor('amax', 'input', x);
  return extremum('max', x, normalizeDims(dim, x.ndim, 'amax'), keepDim);
}

/**
 * Smallest value over `dim` (a dim or a list; all when omitted); ties as in `amax`.
 *
 * @example
 * ```ts
 * amin(tensor([[1, 5], [7, 2]]), 1).toArray(); // [1, 2]
 * ```
 */
export function amin(x: Tensor, dim?: Dims, keepDim = false): Tensor {
  expectTensor('amin', 'input', x);
  return extremum('min', x, normalizeDims(dim, x.ndim, 'amin'), keepDim);
}

function argReduce(op: 'argmax' | 'argmin', x: Tensor, dim: number | undefined, keepDim: boolean): Tensor {
  if (dim === undefined) {
    const flat = reshape(x.detach(), [x.size]);
    const index = new Tensor(kernelsFor(op, flat).argReduce(op, flat, 0), []);
    return keepDim
      ? reshape(
          index,
          x.shape.map(() => 1),
        )
      : index;
  }
  const d = normalizeDim(dim, x.ndim, op);
  const dims = x.ndim === 0 ? [] : [d];
  const kernels = kernelsFor(op, x);
  const data = x.ndim === 0 ? kernels.full(1, 0, 'int32') : kernels.argReduce(op, x, d);
  return new Tensor(data, reducedShape(x.shape, dims, keepDim));
}

/**
 * Index of the largest value along `dim` (of the flattened tensor when omitted), as int32.
 *
 * @example
 * ```ts
 * tensor([[1, 5], [7, 2]]).argmax(1).toArray(); // [1, 0]
 * ```
 */
export function argmax(x: Tensor, dim?: number, keepDim = false): Tensor {
  expectTensor('argmax', 'input', x);
  return argReduce('argmax', x, dim, keepDim);
}

/**
 * Index of the smallest value along `dim` (of the flattened tensor when omitted), as int32.
 *
 * @example
 * ```ts
 * tensor([[1, 5], [7, 2]]).argmin(1).toArray(); // [0, 1]
 * ```
 */
export function argmin(x: Tensor, dim?: number, keepDim = false): Tensor {
  expectTensor('argmin', 'input', x);
  return argReduce('argmin', x, dim, keepDim);
}

/**
 * Variance over `dim` with Bessel's correction by default (`{ correction: 0 }` for the population variance).
 * Exported as both `variance` and `var` (`var` is a reserved word, so `import { var }` cannot be written).
 *
 * @example
 * ```ts
 * tensor([1, 2, 3, 4]).var().item(); // 1.6667
 * variance(tensor([1, 2, 3, 4]), 0, false, { correction: 0 }).item(); // 1.25
 * ```
 */
export function variance(x: Tensor, dim?: Dims, keepDim = false, options: VarOptions = {}): Tensor {
  expectTensor('var', 'input', x);
  expectOptions('var', options);
  expectOptionalNumber('var', 'correction', options.correction);
  const dims = normalizeDims(dim, x.ndim, 'var');
  const count = dims.reduce((n, d) => n * x.shape[d]!, 1);
  const centered = sub(x, mean(x, dims, true));
  return div(sum(square(centered), dims, keepDim), Math.max(count - (options.correction ?? 1), 0));
}

/**
 * Standard deviation over `dim`: the square root of `var`.
 *
 * @example
 * ```ts
 * tensor([1, 2, 3, 4]).std().item(); // 1.2910
 * ```
 */
export function std(x: Tensor, dim?: Dims, keepDim = false, options: VarOptions = {}): Tensor {
  expectTensor('std', 'input', x);
  return sqrt(variance(x, dim, keepDim, options));
}

/**
 * Euclidean (Frobenius) norm over `dim` (all when omitted). The gradient at a zero norm is 0.
 *
 * @example
 * ```ts
 * tensor([3, 4]).norm().item(); // 5
 * ```
 */
export function norm(x: Tensor, dim?: Dims, keepDim = false): Tensor {
  expectTensor('norm', 'input', x);
  const dims = normalizeDims(dim, x.ndim, 'norm');
  const out = withGradMode(false, () => sqrt(sum(square(x), dims, keepDim)));
  if (recording('norm', out, x)) attach(out, 'norm', x, null, [x, out], RULES.norm, { dims, out });
  return out;
}

// d ||x|| = x / ||x||, taken as 0 where the norm is 0 (as PyTorch)
const normBackward: BackwardRule<{ dims: readonly number[]; out: Tensor }> = (dy, { inputs, params }) => {
  const x = inputs[0]!;
  const n = keptShape(x, params.dims, params.out);
  return [mul(keptShape(x, params.dims, dy), where(n.eq(0), 0, div(x, n)))];
};

const RULES = {
  sum: sumBackward,
  max: extremumBackward,
  min: extremumBackward,
  norm: normBackward,
} satisfies RuleTable<ReduceOpName>;
