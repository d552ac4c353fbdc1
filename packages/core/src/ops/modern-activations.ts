import { expectNumber, expectOptions, expectTensor } from '../checks.js';
import { ValueError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { sigmoid, softplus, tanh } from './activation.js';
import { add, mul, neg, where } from './elementwise.js';
import { erf } from './special.js';

// The activations of today's networks, each a composite of primitives whose gradients give its own
// (tinygrad's lesson: fewer backward rules to get wrong).

/** Options of `gelu`. */
export interface GeluOptions {
  /** `'none'` (default): the exact `x·Φ(x)` through erf; `'tanh'`: the tanh approximation of GPT-2. */
  approximate?: 'none' | 'tanh';
}

const SQRT_HALF = Math.SQRT1_2;
const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

/**
 * Gaussian error linear unit `x·Φ(x) = ½x(1 + erf(x/√2))`, or with `{ approximate: 'tanh' }`
 * `½x(1 + tanh(√(2/π)(x + 0.044715x³)))`, as PyTorch's `gelu`.
 *
 * @example
 * ```ts
 * gelu(tensor([-1, 0, 1])).toArray(); // [-0.1587, 0, 0.8413]
 * ```
 */
export function gelu(x: Tensor, options: GeluOptions = {}): Tensor {
  expectTensor('gelu', 'input', x);
  expectOptions('gelu', options);
  const approximate = options.approximate ?? 'none';
  if (approximate === 'none') return mul(mul(x, 0.5), add(erf(mul(x, SQRT_HALF)), 1));
  if (approximate !== 'tanh') {
    throw new ValueError(`gelu: approximate must be 'none' or 'tanh', got ${JSON.stringify(approximate)}`);
  }
  const inner = mul(add(x, mul(mul(mul(x, x), x), 0.044715)), SQRT_2_OVER_PI);
  return mul(mul(x, 0.5), add(tanh(inner), 1));
}

/**
 * Sigmoid linear unit (swish) `x·σ(x)`.
 *
 * @example
 * ```ts
 * silu(tensor([0, 1])).toArray(); // [0, 0.7311]
 * ```
 */
export function silu(x: Tensor): Tensor {
  expectTensor('silu', 'input', x);
  return mul(x, sigmoid(x));
}

/**
 * Mish `x·tanh(softplus(x))`.
 *
 * @example
 * ```ts
 * mish(tensor([0, 1])).toArray(); // [0, 0.8651]
 * ```
 */
export function mish(x: Tensor): Tensor {
  expectTensor('mish', 'input', x);
  return mul(x, tanh(softplus(x)));
}

/**
 * `log σ(x) = −softplus(−x)`, without the overflow of `log(sigmoid(x))` for very negative `x`.
 *
 * @example
 * ```ts
 * logSigmoid(tensor([0])).toArray(); // [-0.6931]
 * ```
 */
export function logSigmoid(x: Tensor): Tensor {
  expectTensor('logSigmoid', 'input', x);
  return neg(softplus(neg(x)));
}

/**
 * `x` clipped to `[minVal, maxVal]` (default `[−1, 1]`). Unlike `clamp`, the gradient is zero at
 * the bounds themselves, as PyTorch's `hardtanh`.
 *
 * @example
 * ```ts
 * hardtanh(tensor([-2, 0.5, 3])).toArray(); // [-1, 0.5, 1]
 * ```
 */
export function hardtanh(x: Tensor, minVal = -1, maxVal = 1): Tensor {
  expectTensor('hardtanh', 'input', x);
  expectNumber('hardtanh', 'minVal', minVal);
  expectNumber('hardtanh', 'maxVal', maxVal);
  if (minVal > maxVal) throw new ValueError(`hardtanh: minVal ${minVal} must not exceed maxVal ${maxVal}`);
  return where(x.le(minVal), minVal, where(x.ge(maxVal), maxVal, x));
}
