import { attach, type BackwardRule, type RuleTable, recording } from '../autograd/node.js';
import type { Tensor } from '../tensor.js';
import { div, exp, mul, neg, square } from './elementwise.js';
import { floatKernel } from './kernels.js';
import type { SpecialOpName } from './op-names.js';

/**
 * The error function `erf(x) = 2/√π ∫₀ˣ e^(−t²) dt`, accurate to float64 rounding on the cpu.
 *
 * @example
 * ```ts
 * erf(tensor([0, 1])).toArray(); // [0, 0.8427]
 * ```
 */
export function erf(x: Tensor): Tensor {
  const out = floatKernel('erf', x);
  if (recording('erf', out, x)) attach(out, 'erf', x, null, x, RULES.erf);
  return out;
}

// d erf = 2/√π · e^(−x²)
const erfBackward: BackwardRule = (dy, n) => [
  mul(dy, mul(exp(neg(square(n.input(0)))), 2 / Math.sqrt(Math.PI))),
];

/**
 * `log(1 + x)`, accurate for small `x` where `log(add(x, 1))` loses every digit.
 *
 * @example
 * ```ts
 * log1p(tensor([1e-10], { dtype: 'float64' })).item(); // 1e-10
 * ```
 */
export function log1p(x: Tensor): Tensor {
  const out = floatKernel('log1p', x);
  if (recording('log1p', out, x)) attach(out, 'log1p', x, null, x, RULES.log1p);
  return out;
}

// d log1p = 1 / (1 + x)
const log1pBackward: BackwardRule = (dy, n) => [div(dy, n.input(0).add(1))];

/**
 * `exp(x) − 1`, accurate for small `x`.
 *
 * @example
 * ```ts
 * expm1(tensor([1e-10], { dtype: 'float64' })).item(); // 1e-10
 * ```
 */
export function expm1(x: Tensor): Tensor {
  const out = floatKernel('expm1', x);
  if (recording('expm1', out, x)) attach(out, 'expm1', x, null, out, RULES.expm1, out);
  return out;
}

// d expm1 = exp(x) = out + 1
const expm1Backward: BackwardRule<Tensor> = (dy, n) => [mul(dy, n.params.add(1))];

/**
 * The reciprocal square root `1 / √x` in one pass.
 *
 * @example
 * ```ts
 * rsqrt(tensor([4, 16])).toArray(); // [0.5, 0.25]
 * ```
 */
export function rsqrt(x: Tensor): Tensor {
  const out = floatKernel('rsqrt', x);
  if (recording('rsqrt', out, x)) attach(out, 'rsqrt', x, null, [x, out], RULES.rsqrt, out);
  return out;
}

// d x^(−1/2) = −½ x^(−3/2) = −½ · out / x
const rsqrtBackward: BackwardRule<Tensor> = (dy, n) => [mul(dy, div(mul(n.params, -0.5), n.input(0)))];

const RULES = {
  erf: erfBackward,
  log1p: log1pBackward,
  expm1: expm1Backward,
  rsqrt: rsqrtBackward,
} satisfies RuleTable<SpecialOpName>;
