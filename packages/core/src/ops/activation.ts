import { isGradEnabled, withGradMode } from '../autograd/grad-mode.js';
import {
  attach,
  type BackwardRule,
  type RuleTable,
  recording,
  SAVES_NOTHING,
  withScalarRule,
} from '../autograd/node.js';
import { BINARY } from '../backend/cpu/loops.js';
import { expectNumber, expectTensor } from '../checks.js';
import { normalizeDim, normalizeDims, reducedShape, type Shape } from '../shape.js';
import { scalarValue, type Tensor } from '../tensor.js';
import { add, div, exp, log, mul, sub, where } from './elementwise.js';
import { binaryKernel, floatKernel, unaryKernel } from './kernels.js';
import { reshape } from './movement.js';
import type { ActivationOpName } from './op-names.js';
import { max, sum } from './reduce.js';

/**
 * Rectified linear unit `max(x, 0)`; gradient 1 where x > 0, else 0 (0 at x == 0, as PyTorch).
 *
 * @example
 * ```ts
 * relu(tensor([-1, 2])).toArray(); // [0, 2]
 * ```
 */
export function relu(x: Tensor): Tensor {
  const out = unaryKernel('relu', x);
  if (recording('relu', out, x)) attach(out, 'relu', x, null, x, RULES.relu);
  return out;
}

// d relu = dy where not x <= 0 (PyTorch's threshold_backward: a NaN input passes dy), in one kernel
// pass. Under createGraph the gradient must itself be differentiable in dy, so it is a product with
// a 0/1 mask there (which, unlike PyTorch, turns an infinite dy where x <= 0 into NaN).
const reluBackward = withScalarRule<undefined>(
  (dy, n) => {
    const x = n.input(0);
    if (isGradEnabled()) return [mul(dy, x.le(0).eq(0))];
    return [binaryKernel('reluGrad', dy, x, dy.dtype)];
  },
  (dy, n) => BINARY.reluGrad(dy, scalarValue(n.input(0))),
);

/**
 * Logistic sigmoid `1 / (1 + e^-x)`, computed without overflow.
 *
 * @example
 * ```ts
 * sigmoid(tensor([0])).toArray(); // [0.5]
 * ```
 */
export function sigmoid(x: Tensor): Tensor {
  const out = floatKernel('sigmoid', x);
  // d sigma = sigma (1 - sigma)
  if (recording('sigmoid', out, x)) attach(out, 'sigmoid', x, null, out, RULES.sigmoid, out);
  return out;
}

// d sigmoid = s (1 - s), s being the output
const sigmoidBackward = withScalarRule<Tensor>(
  (dy, { params: s }) => [mul(dy, mul(s, sub(1, s)))],
  (dy, n, r) => {
    const s = scalarValue(n.params);
    return r(dy * r(s * r(1 - s)));
  },
);

/**
 * Hyperbolic tangent.
 *
 * @example
 * ```ts
 * tanh(tensor([0])).toArray(); // [0]
 * ```
 */
export function tanh(x: Tensor): Tensor {
  const out = floatKernel('tanh', x);
  // d tanh = 1 - tanh^2
  if (recording('tanh', out, x)) attach(out, 'tanh', x, null, out, RULES.tanh, out);
  return out;
}

// d tanh = 1 - t^2, t being the output
const tanhBackward = withScalarRule<Tensor>(
  (dy, { params: t }) => [mul(dy, sub(1, mul(t, t)))],
  (dy, n, r) => {
    const t = scalarValue(n.params);
    return r(dy * r(1 - r(t * t)));
  },
);

/**
 * Leaky ReLU: `x` where x > 0, else `slope * x` (PyTorch's default slope 0.01).
 *
 * @example
 * ```ts
 * leakyRelu(tensor([-10, 2]), 0.1).toArray(); // [-1, 2]
 * ```
 */
export function leakyRelu(x: Tensor, slope = 0.01): Tensor {
  expectTensor('leakyRelu', 'input', x);
  expectNumber('leakyRelu', 'slope', slope);
  const out = unaryKernel('leakyRelu', x, x.dtype, slope);
  if (recording('leakyRelu', out, x)) attach(out, 'leakyRelu', x, null, x, RULES.leakyRelu, slope);
  return out;
}

// d leakyRelu = 1 where x > 0, else slope
const leakyReluBackward = withScalarRule<number>(
  (dy, n) => [where(n.input(0).gt(0), dy, mul(dy, n.params))],
  // The slope enters the tensor rule as a tensor of dy's dtype, so it is rounded first.
  (dy, n, r) => (scalarValue(n.input(0)) > 0 ? dy : r(dy * r(n.params))),
);

/**
 * Exponential linear unit: `x` where x > 0, else `alpha * (e^x - 1)`.
 *
 * @example
 * ```ts
 * elu(tensor([0, 1])).toArray(); // [0, 1]
 * ```
 */
export function elu(x: Tensor, alpha = 1): Tensor {
  expectTensor('elu', 'input', x);
  expectNumber('elu', 'alpha', alpha);
  const out = unaryKernel('elu', x, x.dtype, alpha);
  if (recording('elu', out, x)) attach(out, 'elu', x, null, [x, out], RULES.elu, { out, alpha });
  return out;
}

// d elu = 1 where x > 0, else alpha e^x = out + alpha
const eluBackward: BackwardRule<{ out: Tensor; alpha: number }> = (dy, n) => {
  const { out, alpha } = n.params;
  return [mul(dy, where(n.input(0).gt(0), 1, add(out, alpha)))];
};

/**
 * Softplus `ln(1 + e^x)`, stable for large |x| (linear above 20, as PyTorch).
 *
 * @example
 * ```ts
 * softplus(tensor([0])).toArray(); // [0.6931]
 * ```
 */
export function softplus(x: Tensor): Tensor {
  const out = floatKernel('softplus', x);
  if (recording('softplus', out, x)) attach(out, 'softplus', x, null, x, RULES.softplus);
  return out;
}

// d softplus = sigmoid(x)
const softplusBackward: BackwardRule = (dy, n) => [mul(dy, sigmoid(n.input(0)))];

/**
 * The hard threshold of the first perceptrons: 1 where x > 0, else 0. Its gradient is zero everywhere.
 *
 * @example
 * ```ts
 * step(tensor([-1, 0, 2])).toArray(); // [0, 0, 1]
 * ```
 */
export function step(x: Tensor): Tensor {
  const out = unaryKernel('step', x);
  if (recording('step', out, x)) attach(out, 'step', x, null, SAVES_NOTHING, RULES.step);
  return out;
}

// d step = 0 (a zero of dy's shape, so NaN and Infinity in dy still show)
const stepBackward: BackwardRule = (dy) => [mul(dy, 0)];

// The max over `dims`, detached and with infinities replaced by 0, so exp(x - m) never overflows
// and an all -inf row gives -inf rather than NaN.
function stableShift(x: Tensor, dims: readonly number[]): Tensor {
  const m = max(x.detach(), dims, true);
  return where(m.abs().eq(Number.POSITIVE_INFINITY), 0, m);
}

/**
 * `log(sum(exp(x)))` over `dim` (all when omitted), stable for large logits.
 *
 * @example
 * ```ts
 * logsumexp(tensor([1000, 1000]), 0).item(); // 1000.6931
 * ```
 */
export function logsumexp(x: Tensor, dim?: number | readonly number[], keepDim = false): Tensor {
  expectTensor('logsumexp', 'input', x);
  const dims = normalizeDims(dim, x.ndim, 'logsumexp');
  const kept = withGradMode(false, () => {
    const m = stableShift(x, dims);
    return add(log(sum(exp(sub(x, m)), dims, true)), m);
  });
  const out = reshape(kept, reducedShape(x.shape, dims, keepDim));
  if (recording('logsumexp', out, x))
    attach(out, 'logsumexp', x, null, [x, out], RULES.logsumexp, { out, keptShape: kept.shape });
  return out;
}

// d lse = softmax(x) = exp(x - lse), with dy and lse in the kept-dims shape that broadcasts over x
const logsumexpBackward: BackwardRule<{ out: Tensor; keptShape: Shape }> = (dy, n) => {
  const { out, keptShape } = n.params;
  return [mul(reshape(dy, keptShape), exp(sub(n.input(0), reshape(out, keptShape))))];
};

/**
 * Softmax along `dim`: `exp(x) / sum(exp(x))`, stable for large logits.
 *
 * @example
 * ```ts
 * softmax(tensor([0, 0]), 0).toArray(); // [0.5, 0.5]
 * ```
 */
export function softmax(x: Tensor, dim: number): Tensor {
  expectTensor('softmax', 'input', x);
  const d = normalizeDim(dim, x.ndim, 'softmax');
  const out = withGradMode(false, () => {
    const e = exp(sub(x, stableShift(x, [d])));
    return div(e, sum(e, d, true));
  });
  if (recording('softmax', out, x)) attach(out, 'softmax', x, null, out, RULES.softmax, { out, d });
  return out;
}

// d softmax: dx = y * (dy - sum(dy * y)), y being the output
const softmaxBackward: BackwardRule<{ out: Tensor; d: number }> = (dy, { params: { out: y, d } }) => [
  mul(y, sub(dy, sum(mul(dy, y), d, true))),
];

/**
 * Log of softmax along `dim`: `x - logsumexp(x)`, stable for large logits.
 *
 * @example
 * ```ts
 * logSoftmax(tensor([0, 0]), 0).toArray(); // [-0.6931, -0.6931]
 * ```
 */
export function logSoftmax(x: Tensor, dim: number): Tensor {
  expectTensor('logSoftmax', 'input', x);
  const d = normalizeDim(dim, x.ndim, 'logSoftmax');
  const out = withGradMode(false, () => sub(x, logsumexp(x, d, true)));
  if (recording('logSoftmax', out, x)) attach(out, 'logSoftmax', x, null, out, RULES.logSoftmax, { out, d });
  return out;
}

// d logSoftmax: dx = dy - softmax(x) * sum(dy), softmax(x) being exp of the output
const logSoftmaxBackward: BackwardRule<{ out: Tensor; d: number }> = (dy, { params: { out, d } }) => [
  sub(dy, mul(exp(out), sum(dy, d, true))),
];

const RULES = {
  relu: reluBackward,
  sigmoid: sigmoidBackward,
  tanh: tanhBackward,
  leakyRelu: leakyReluBackward,
  elu: eluBackward,
  softplus: softplusBackward,
  step: stepBackward,
  logsumexp: logsumexpBackward,
  softmax: softmaxBackward,
  logSoftmax: logSoftmaxBackward,
} satisfies RuleTable<ActivationOpName>;
