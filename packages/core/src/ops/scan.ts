import { attach, type BackwardRule, type RuleTable, recording, SAVES_NOTHING } from '../autograd/node.js';
import { kernelsFor } from '../backend/dispatch.js';
import { expectTensor } from '../checks.js';
import { normalizeDim } from '../shape.js';
import { Tensor } from '../tensor.js';
import { div, mul, where } from './elementwise.js';
import { reshape } from './movement.js';
import type { ScanOpName } from './op-names.js';

// A 0-d tensor is one line of one element (PyTorch accepts dim 0 or -1 for it).
function alongDim(op: ScanOpName, x: Tensor, dim: number, run: (x: Tensor, d: number) => Tensor): Tensor {
  expectTensor(op, 'input', x);
  const d = normalizeDim(dim, x.ndim, op);
  return x.ndim === 0 ? reshape(run(reshape(x, [1]), 0), []) : run(x, d);
}

/**
 * Running sum along `dim`: `out[i] = x[0] + … + x[i]`. int32 stays int32.
 *
 * @example
 * ```ts
 * cumsum(tensor([1, 2, 3]), 0).toArray(); // [1, 3, 6]
 * ```
 */
export function cumsum(x: Tensor, dim: number): Tensor {
  return alongDim('cumsum', x, dim, (v, d) => runningSum(v, d, false));
}

// A bool input counts in int32, as its sum does.
const countingType = (x: Tensor) => (x.dtype === 'bool' ? 'int32' : x.dtype);

function runningSum(x: Tensor, d: number, reverse: boolean): Tensor {
  const out = new Tensor(kernelsFor('cumsum', x).cumulative('sum', x, d, reverse, countingType(x)), x.shape);
  if (recording('cumsum', out, x))
    attach(out, 'cumsum', x, null, SAVES_NOTHING, RULES.cumsum, { d, reverse });
  return out;
}

// d cumsum = the running sum of dy taken from the other end
const cumsumBackward: BackwardRule<{ d: number; reverse: boolean }> = (dy, { params }) => [
  runningSum(dy, params.d, !params.reverse),
];

/**
 * Running product along `dim`: `out[i] = x[0] · … · x[i]`. The gradient is exact where inputs are
 * zero (no division by them), as PyTorch's.
 *
 * @example
 * ```ts
 * cumprod(tensor([1, 2, 3]), 0).toArray(); // [1, 2, 6]
 * ```
 */
export function cumprod(x: Tensor, dim: number): Tensor {
  return alongDim('cumprod', x, dim, runningProduct);
}

function runningProduct(x: Tensor, d: number): Tensor {
  const out = new Tensor(kernelsFor('cumprod', x).cumulative('prod', x, d, false, countingType(x)), x.shape);
  if (recording('cumprod', out, x)) attach(out, 'cumprod', x, null, [x, out], RULES.cumprod, { d, out });
  return out;
}

// dx[i] = Σ_{j≥i} dy[j] · Π_{k≤j, k≠i} x[k]. Before a line's first zero that is
// Σ_{j≥i} dy[j]·out[j] / x[i] (the terms from the zero on vanish with out); after it, 0; at the
// first zero itself, the reverse running sum of dy times the running product with that zero read
// as 1. No step divides by a zero.
const cumprodBackward: BackwardRule<{ d: number; out: Tensor }> = (dy, { inputs, params }) => {
  const x = inputs[0]!;
  const { d, out } = params;
  const zero = x.eq(0);
  const firstZero = mul(zero, runningSum(zero, d, false).eq(1)); // bool and: the first zero of its line
  const beforeZero = where(zero, 0, div(runningSum(mul(dy, out), d, true), where(zero, 1, x)));
  const atZero = runningSum(mul(dy, runningProduct(where(firstZero, 1, x), d)), d, true);
  return [where(firstZero, atZero, beforeZero)];
};

const RULES = { cumsum: cumsumBackward, cumprod: cumprodBackward } satisfies RuleTable<ScanOpName>;
