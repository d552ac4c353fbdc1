import {
  attach,
  type BackwardRule,
  type RuleTable,
  recording,
  SAVES_NOTHING,
  savedForProduct,
  withScalarRule,
} from '../autograd/node.js';
import { powC } from '../backend/cpu/loops.js';
import { kernelsFor } from '../backend/dispatch.js';
import { checkAllFit, checkNumel, expectDType, expectOptionalNumber, expectTensor } from '../checks.js';
import { float64Error } from '../device.js';
import { type DType, floatingOf, isFloating, promote } from '../dtype.js';
import { DTypeError } from '../errors.js';
import { broadcastShapes, sizeOf } from '../shape.js';
import { scalarValue, Tensor, type TensorLike } from '../tensor.js';
import { binaryKernel, floatKernel, operands, scalarOf, unaryKernel } from './kernels.js';
import type { ElementwiseOpName } from './op-names.js';

/**
 * Elementwise `a + b` with broadcasting.
 *
 * @example
 * ```ts
 * add(tensor([1, 2]), 10).toArray(); // [11, 12]
 * ```
 */
export function add(a: TensorLike, b: TensorLike): Tensor {
  const pair = operands(a, b, 'add');
  const x = pair[0];
  const y = pair[1];
  const out = binaryKernel('add', x, y);
  if (recording('add', out, x, y)) attach(out, 'add', x, y, SAVES_NOTHING, RULES.add);
  return out;
}

// d(x + y) = dy, dy
const addBackward = withScalarRule<undefined>(
  (dy) => [dy, dy],
  (dy) => dy,
  (dy) => dy,
);

/**
 * Elementwise `a - b` with broadcasting.
 *
 * @example
 * ```ts
 * sub(tensor([5, 7]), tensor([1, 2])).toArray(); // [4, 5]
 * ```
 */
export function sub(a: TensorLike, b: TensorLike): Tensor {
  const pair = operands(a, b, 'sub');
  const x = pair[0];
  const y = pair[1];
  const out = binaryKernel('sub', x, y);
  if (recording('sub', out, x, y)) attach(out, 'sub', x, y, SAVES_NOTHING, RULES.sub);
  return out;
}

// d(x - y) = dy, -dy
const subBackward = withScalarRule<undefined>(
  (dy, n) => [dy, n.input(1).requiresGrad ? neg(dy) : null],
  (dy) => dy,
  (dy) => -dy,
);

/**
 * Elementwise `a * b` with broadcasting.
 *
 * @example
 * ```ts
 * mul(tensor([1, 2]), tensor([3, 4])).toArray(); // [3, 8]
 * ```
 */
export function mul(a: TensorLike, b: TensorLike): Tensor {
  const pair = operands(a, b, 'mul');
  const x = pair[0];
  const y = pair[1];
  const out = binaryKernel('mul', x, y);
  if (recording('mul', out, x, y)) attach(out, 'mul', x, y, savedForProduct(x, y), RULES.mul);
  return out;
}

// d(x * y) = dy * y, dy * x
const mulBackward = withScalarRule<undefined>(
  (dy, n) => {
    const x = n.input(0);
    const y = n.input(1);
    return [x.requiresGrad ? mul(dy, y) : null, y.requiresGrad ? mul(dy, x) : null];
  },
  (dy, n, r) => r(dy * scalarValue(n.input(1))),
  (dy, n, r) => r(dy * scalarValue(n.input(0))),
);

/**
 * Elementwise true division `a / b` with broadcasting (int32 / int32 gives float32).
 *
 * @example
 * ```ts
 * div(tensor([1, 3]), 2).toArray(); // [0.5, 1.5]
 * ```
 */
export function div(a: TensorLike, b: TensorLike): Tensor {
  const pair = operands(a, b, 'div');
  const x = pair[0];
  const y = pair[1];
  const out = binaryKernel('div', x, y, floatingOf(promote(x.dtype, y.dtype)));
  if (recording('div', out, x, y)) attach(out, 'div', x, y, y.requiresGrad ? [y, out] : [y], RULES.div, out);
  return out;
}

// d(x / y) = dy / y, -dy * x / y^2 (x / y being the output)
const divBackward = withScalarRule<Tensor>(
  (dy, n) => {
    const x = n.input(0);
    const y = n.input(1);
    return [x.requiresGrad ? div(dy, y) : null, y.requiresGrad ? neg(mul(dy, div(n.params, y))) : null];
  },
  (dy, n, r) => r(dy / scalarValue(n.input(1))),
  (dy, n, r) => -r(dy * r(scalarValue(n.params) / scalarValue(n.input(1)))),
);

/**
 * Elementwise `-x`.
 *
 * @example
 * ```ts
 * neg(tensor([1, -2])).toArray(); // [-1, 2]
 * ```
 */
export function neg(x: Tensor): Tensor {
  // The kernel would store −1 as 255 in a bool tensor's bytes.
  if (x?.dtype === 'bool') {
    throw new DTypeError('neg: negation of a bool tensor is not supported; eq(mask, 0) inverts a mask');
  }
  const out = unaryKernel('neg', x);
  if (recording('neg', out, x)) attach(out, 'neg', x, null, SAVES_NOTHING, RULES.neg);
  return out;
}

// d(-x) = -dy
const negBackward = withScalarRule<undefined>(
  (dy) => [neg(dy)],
  (dy) => -dy,
);

/**
 * Elementwise `a ** b` with broadcasting.
 *
 * @example
 * ```ts
 * pow(tensor([2, 3]), 2).toArray(); // [4, 9]
 * ```
 */
export function pow(a: TensorLike, b: TensorLike): Tensor {
  const pair = operands(a, b, 'pow');
  const x = pair[0];
  const y = pair[1];
  const out = binaryKernel('pow', x, y, floatingOf(promote(x.dtype, y.dtype)));
  if (recording('pow', out, x, y)) attach(out, 'pow', x, y, [x, y, out], RULES.pow, out);
  return out;
}

// d(x^y)/dx = y * x^(y-1);  d(x^y)/dy = x^y * ln x, taken as 0 where x == 0 (as PyTorch)
const powBackward = withScalarRule<Tensor>(
  (dy, n) => {
    const x = n.input(0);
    const y = n.input(1);
    return [
      x.requiresGrad ? mul(dy, mul(y, pow(x, sub(y, 1)))) : null,
      y.requiresGrad ? mul(dy, where(x.eq(0), 0, mul(n.params, log(x)))) : null,
    ];
  },
  (dy, n, r) => {
    const x = scalarValue(n.input(0));
    const y = scalarValue(n.input(1));
    return r(dy * r(y * r(powC(x, r(y - 1)))));
  },
  (dy, n, r) => {
    const x = scalarValue(n.input(0));
    return r(dy * (x === 0 ? 0 : r(scalarValue(n.params) * r(Math.log(x)))));
  },
);

/**
 * Elementwise `e^x`.
 *
 * @example
 * ```ts
 * exp(tensor([0, 1])).toArray(); // [1, 2.718...]
 * ```
 */
export function exp(x: Tensor): Tensor {
  const out = floatKernel('exp', x);
  if (recording('exp', out, x)) attach(out, 'exp', x, null, out, RULES.exp, out);
  return out;
}

// d e^x = e^x
const expBackward = withScalarRule<Tensor>(
  (dy, n) => [mul(dy, n.params)],
  (dy, n, r) => r(dy * scalarValue(n.params)),
);

/**
 * Elementwise natural logarithm.
 *
 * @example
 * ```ts
 * log(tensor([1, Math.E])).toArray(); // [0, 1]
 * ```
 */
export function log(x: Tensor): Tensor {
  const out = floatKernel('log', x);
  if (recording('log', out, x)) attach(out, 'log', x, null, x, RULES.log);
  return out;
}

// d ln x = 1 / x
const logBackward = withScalarRule<undefined>(
  (dy, n) => [div(dy, n.input(0))],
  (dy, n, r) => r(dy / scalarValue(n.input(0))),
);

/**
 * Elementwise square root.
 *
 * @example
 * ```ts
 * sqrt(tensor([4, 9])).toArray(); // [2, 3]
 * ```
 */
export function sqrt(x: Tensor): Tensor {
  const out = floatKernel('sqrt', x);
  if (recording('sqrt', out, x)) attach(out, 'sqrt', x, null, out, RULES.sqrt, out);
  return out;
}

// d sqrt(x) = 1 / (2 sqrt(x))
const sqrtBackward = withScalarRule<Tensor>(
  (dy, n) => [div(dy, mul(n.params, 2))],
  (dy, n, r) => r(dy / r(scalarValue(n.params) * 2)),
);

/**
 * Elementwise absolute value (gradient 0 at 0, as PyTorch).
 *
 * @example
 * ```ts
 * abs(tensor([-2, 3])).toArray(); // [2, 3]
 * ```
 */
export function abs(x: Tensor): Tensor {
  const out = unaryKernel('abs', x);
  if (recording('abs', out, x)) attach(out, 'abs', x, null, x, RULES.abs);
  return out;
}

// d|x| = sign(x); PyTorch's sgn(NaN) is 0, so a NaN input gets no gradient rather than a NaN one.
const absBackward = withScalarRule<undefined>(
  (dy, n) => {
    const x = n.input(0);
    return [where(x.ne(x), 0, mul(dy, unaryKernel('sign', x)))];
  },
  (dy, n, r) => {
    const x = scalarValue(n.input(0));
    return Number.isNaN(x) ? 0 : r(dy * Math.sign(x));
  },
);

/**
 * Elementwise sine.
 *
 * @example
 * ```ts
 * sin(tensor([0])).toArray(); // [0]
 * ```
 */
export function sin(x: Tensor): Tensor {
  const out = floatKernel('sin', x);
  if (recording('sin', out, x)) attach(out, 'sin', x, null, x, RULES.sin);
  return out;
}

// d sin x = cos x
const sinBackward = withScalarRule<undefined>(
  (dy, n) => [mul(dy, cos(n.input(0)))],
  (dy, n, r) => r(dy * r(Math.cos(scalarValue(n.input(0))))),
);

/**
 * Elementwise cosine.
 *
 * @example
 * ```ts
 * cos(tensor([0])).toArray(); // [1]
 * ```
 */
export function cos(x: Tensor): Tensor {
  const out = floatKernel('cos', x);
  if (recording('cos', out, x)) attach(out, 'cos', x, null, x, RULES.cos);
  return out;
}

// d cos x = -sin x
const cosBackward = withScalarRule<undefined>(
  (dy, n) => [neg(mul(dy, sin(n.input(0))))],
  (dy, n, r) => -r(dy * r(Math.sin(scalarValue(n.input(0))))),
);

/**
 * Elementwise `x * x`.
 *
 * @example
 * ```ts
 * square(tensor([3])).toArray(); // [9]
 * ```
 */
export function square(x: Tensor): Tensor {
  const out = unaryKernel('square', x);
  if (recording('square', out, x)) attach(out, 'square', x, null, x, RULES.square);
  return out;
}

// d x^2 = 2x
const squareBackward = withScalarRule<undefined>(
  (dy, n) => [mul(dy, mul(n.input(0), 2))],
  (dy, n, r) => r(dy * r(scalarValue(n.input(0)) * 2)),
);

/**
 * Elementwise `1 / x`.
 *
 * @example
 * ```ts
 * reciprocal(tensor([2, 4])).toArray(); // [0.5, 0.25]
 * ```
 */
export function reciprocal(x: Tensor): Tensor {
  const out = floatKernel('reciprocal', x);
  if (recording('reciprocal', out, x)) attach(out, 'reciprocal', x, null, out, RULES.reciprocal, out);
  return out;
}

// d (1/x) = -1/x^2
const reciprocalBackward = withScalarRule<Tensor>(
  (dy, n) => [neg(mul(dy, square(n.params)))],
  (dy, n, r) => {
    const out = scalarValue(n.params);
    return -r(dy * r(out * out));
  },
);

// PyTorch's rule: dy / 2 to each side where a == b, else dy, then 0 for the side that loses. Where
// either is NaN neither loses, so each gets all of dy; and `where` keeps an infinite dy from turning
// the loser's 0 into NaN.
function extremumBackward(
  dy: Tensor,
  x: Tensor,
  y: Tensor,
  xLoses: Tensor,
  yLoses: Tensor,
): (Tensor | null)[] {
  const half = where(x.eq(y), mul(dy, 0.5), dy);
  return [x.requiresGrad ? where(xLoses, 0, half) : null, y.requiresGrad ? where(yLoses, 0, half) : null];
}

/**
 * Elementwise larger of `a` and `b`, with broadcasting.
 *
 * @example
 * ```ts
 * maximum(tensor([1, 5]), tensor([3, 2])).toArray(); // [3, 5]
 * ```
 */
export function maximum(a: TensorLike, b: TensorLike): Tensor {
  const pair = operands(a, b, 'maximum');
  const x = pair[0];
  const y = pair[1];
  const out = binaryKernel('maximum', x, y);
  if (recording('maximum', out, x, y)) attach(out, 'maximum', x, y, [x, y], RULES.maximum);
  return out;
}

// x loses where x < y, y where x > y
const maximumBackward: BackwardRule = (dy, n) => {
  const x = n.input(0);
  const y = n.input(1);
  return extremumBackward(dy, x, y, x.lt(y), x.gt(y));
};

/**
 * Elementwise smaller of `a` and `b`, with broadcasting.
 *
 * @example
 * ```ts
 * minimum(tensor([1, 5]), tensor([3, 2])).toArray(); // [1, 2]
 * ```
 */
export function minimum(a: TensorLike, b: TensorLike): Tensor {
  const pair = operands(a, b, 'minimum');
  const x = pair[0];
  const y = pair[1];
  const out = binaryKernel('minimum', x, y);
  if (recording('minimum', out, x, y)) attach(out, 'minimum', x, y, [x, y], RULES.minimum);
  return out;
}

// x loses where x > y, y where x < y
const minimumBackward: BackwardRule = (dy, n) => {
  const x = n.input(0);
  const y = n.input(1);
  return extremumBackward(dy, x, y, x.gt(y), x.lt(y));
};

/**
 * Clamps every element into `[min, max]`; either bound may be omitted. As PyTorch: when min > max
 * every element becomes max; when both bounds are given and one is NaN every element is NaN (a
 * lone NaN bound is ignored, as there); NaN elements stay NaN; a fractional bound makes an int32
 * input's result float32. The gradient is dy where min <= x <= max, else 0.
 *
 * @example
 * ```ts
 * clamp(tensor([-2, 0.5, 3]), 0, 1).toArray(); // [0, 0.5, 1]
 * ```
 */
export function clamp(x: Tensor, min?: number | null, max?: number | null): Tensor {
  expectTensor('clamp', 'input', x);
  expectOptionalNumber('clamp', 'min', min);
  expectOptionalNumber('clamp', 'max', max);
  // A fractional (or NaN) bound makes an int32 input's result float32, as a plain number next to an
  // int32 tensor does in every op (PyTorch's type promotion).
  const fractional = (b: number | null | undefined) => b != null && !Number.isInteger(b);
  const dtype = x.dtype === 'int32' && (fractional(min) || fractional(max)) ? 'float32' : x.dtype;
  // The kernel reads a NaN bound as none, which is PyTorch's rule for a lone bound only.
  const nanBound = min != null && max != null && (Number.isNaN(min) || Number.isNaN(max));
  const out = nanBound
    ? new Tensor(kernelsFor('clamp', x).full(x.size, Number.NaN, dtype), x.shape)
    : unaryKernel('clamp', x, dtype, min ?? Number.NaN, max ?? Number.NaN);
  if (recording('clamp', out, x)) attach(out, 'clamp', x, null, x, RULES.clamp, { min, max });
  return out;
}

// The gradient passes where min <= x <= max (nowhere for a NaN bound), as PyTorch.
const clampBackward: BackwardRule<{ min?: number | null; max?: number | null }> = (dy, n) => {
  const x = n.input(0);
  const { min, max } = n.params;
  let mask = min == null ? null : x.ge(min);
  if (max != null) mask = mask === null ? x.le(max) : mul(mask, x.le(max));
  return [mask === null ? dy : where(mask, dy, 0)];
};

/**
 * Picks `a` where `cond` is non-zero, else `b`, with broadcasting over all three.
 *
 * @example
 * ```ts
 * where(tensor([1, 0]), tensor([1, 2]), tensor([9, 9])).toArray(); // [1, 9]
 * ```
 */
export function where(cond: Tensor, a: TensorLike, b: TensorLike): Tensor {
  expectTensor('where', 'condition', cond);
  // Two plain numbers have no tensor to take a dtype from: they take cond's floating dtype.
  const pair: [Tensor, Tensor] =
    typeof a === 'number' && typeof b === 'number'
      ? [scalarOf(a, floatingOf(cond.dtype), cond), scalarOf(b, floatingOf(cond.dtype), cond)]
      : operands(a, b, 'where');
  const x = pair[0];
  const y = pair[1];
  const shape = broadcastShapes(broadcastShapes(cond.shape, x.shape, 'where'), y.shape, 'where');
  const dtype = promote(x.dtype, y.dtype);
  checkNumel('where', sizeOf(shape), dtype, shape);
  const out = new Tensor(kernelsFor('where', cond, x, y).select(cond, x, y, shape, dtype), shape);
  if (recording('where', out, x, y)) attach(out, 'where', x, y, [cond], RULES.where, cond);
  return out;
}

// d where(c, x, y) = dy where c, else 0 (to x); the other way round to y
const whereBackward: BackwardRule<Tensor> = (dy, n) => {
  const cond = n.params;
  const zero = scalarOf(0, dy.dtype, dy);
  return [
    n.input(0).requiresGrad ? where(cond, dy, zero) : null,
    n.input(1).requiresGrad ? where(cond, zero, dy) : null,
  ];
};

/**
 * Converts to another dtype (differentiable between float dtypes).
 *
 * @example
 * ```ts
 * tensor([1.5]).to('float64').dtype; // 'float64'
 * ```
 */
export function to(x: Tensor, dtype: DType): Tensor {
  expectTensor('to', 'input', x);
  expectDType('to', dtype);
  checkNumel('to', x.size, dtype, x.shape);
  if (x.dtype === dtype) return x;
  if (dtype === 'float64' && x.device !== 'cpu') throw float64Error("to('float64')");
  if (dtype === 'int32' && x.device === 'cpu') checkAllFit('to', dtype, x.data());
  // To bool: true where non-zero (NaN included), as PyTorch's conversion.
  if (dtype === 'bool') return binaryKernel('ne', x, scalarOf(0, x.dtype, x), 'bool', 'to');
  const out = unaryKernel('identity', x, dtype);
  if (isFloating(dtype) && recording('to', out, x)) attach(out, 'to', x, null, SAVES_NOTHING, RULES.to);
  return out;
}

// d to(x) = dy converted back to x's dtype
const toBackward: BackwardRule = (dy, n) => [to(dy, n.input(0).dtype)];

const RULES = {
  add: addBackward,
  sub: subBackward,
  mul: mulBackward,
  div: divBackward,
  neg: negBackward,
  pow: powBackward,
  exp: expBackward,
  log: logBackward,
  sqrt: sqrtBackward,
  abs: absBackward,
  sin: sinBackward,
  cos: cosBackward,
  square: squareBackward,
  reciprocal: reciprocalBackward,
  maximum: maximumBackward,
  minimum: minimumBackward,
  clamp: clampBackward,
  where: whereBackward,
  to: toBackward,
} satisfies RuleTable<ElementwiseOpName>;
