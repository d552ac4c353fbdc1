import type { TypedArray } from '../../dtype.js';
import type { BinaryOp, UnaryOp } from '../backend.js';
import { erf } from './erf.js';

type Unary = (x: number, p0: number, p1: number) => number;
type Binary = (a: number, b: number) => number;

function sigmoid(x: number): number {
  // Two branches keep exp's argument non-positive, so neither overflows.
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

// PyTorch's softplus (beta 1, threshold 20): linear above the threshold, stable log1p below.
function softplus(x: number): number {
  return x > 20 ? x : Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
}

/** Each unary op on one number: the definition the loops below inline (and the tests' reference). */
export const UNARY: Record<UnaryOp, Unary> = {
  neg: (x) => -x,
  exp: Math.exp,
  log: Math.log,
  sqrt: Math.sqrt,
  abs: Math.abs,
  sign: Math.sign,
  sin: Math.sin,
  cos: Math.cos,
  square: (x) => x * x,
  reciprocal: (x) => 1 / x,
  // Written so that NaN passes through (NaN <= 0 is false), as PyTorch's relu.
  relu: (x) => (x <= 0 ? 0 : x),
  sigmoid,
  tanh: Math.tanh,
  softplus,
  step: (x) => (x > 0 ? 1 : 0),
  leakyRelu: (x, slope) => (x > 0 ? x : x * slope),
  elu: (x, alpha) => (x > 0 ? x : alpha * Math.expm1(x)),
  // NaN bounds mean "no bound"; comparisons with NaN are false, so they pass x through.
  // max is applied after min, so max wins when min > max, as PyTorch.
  clamp: (x, lo, hi) => {
    const y = x < lo ? lo : x;
    return y > hi ? hi : y;
  },
  identity: (x) => x,
  erf,
  log1p: Math.log1p,
  expm1: Math.expm1,
  rsqrt: (x) => 1 / Math.sqrt(x),
};

/**
 * C's pow, which PyTorch follows, where JavaScript's `**` differs: 1 to any power (NaN too) is 1, and
 * so is -1 to an infinite power; JavaScript gives NaN for both.
 */
export function powC(a: number, b: number): number {
  return a === 1 || (a === -1 && (b === Number.POSITIVE_INFINITY || b === Number.NEGATIVE_INFINITY))
    ? 1
    : a ** b;
}

/** Each binary op on two numbers: the definition the loops below inline (and the tests' reference). */
export const BINARY: Record<BinaryOp, Binary> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  pow: powC,
  maximum: (a, b) => (a > b || Number.isNaN(a) ? a : b),
  minimum: (a, b) => (a < b || Number.isNaN(a) ? a : b),
  reluGrad: (a, b) => (b <= 0 ? 0 : a),
  eq: (a, b) => (a === b ? 1 : 0),
  ne: (a, b) => (a !== b ? 1 : 0),
  lt: (a, b) => (a < b ? 1 : 0),
  le: (a, b) => (a <= b ? 1 : 0),
  gt: (a, b) => (a > b ? 1 : 0),
  ge: (a, b) => (a >= b ? 1 : 0),
};

// The loops below are one per op, with the op written inline (the tables above stay the reference
// the tests check them against): calling UNARY[op] per element from one shared loop makes that call
// site megamorphic once a few ops have run, and V8 then stops inlining it, which costs 3-5x.

// Activations and masks on real data branch either way about half the time, and a mispredicted
// branch costs more than the op: comparisons are written as +(a > b) (a 0/1 number, no branch), and
// relu picks from a two-slot array. Index 0 of `pick` is never written.
const pick = new Float64Array(2);

/** out[o + j] = op(x[p + j * s]) for j < len. */
export function unaryRun(
  op: UnaryOp,
  x: TypedArray,
  p: number,
  s: number,
  out: TypedArray,
  o: number,
  len: number,
  p0: number,
  p1: number,
): void {
  const end = o + len;
  switch (op) {
    case 'neg':
      for (; o < end; o++, p += s) out[o] = -x[p]!;
      return;
    case 'exp':
      for (; o < end; o++, p += s) out[o] = Math.exp(x[p]!);
      return;
    case 'log':
      for (; o < end; o++, p += s) out[o] = Math.log(x[p]!);
      return;
    case 'sqrt':
      for (; o < end; o++, p += s) out[o] = Math.sqrt(x[p]!);
      return;
    case 'abs':
      for (; o < end; o++, p += s) out[o] = Math.abs(x[p]!);
      return;
    case 'square':
      for (; o < end; o++, p += s) {
        const v = x[p]!;
        out[o] = v * v;
      }
      return;
    case 'reciprocal':
      for (; o < end; o++, p += s) out[o] = 1 / x[p]!;
      return;
    case 'relu':
      // pick[0] is 0 and pick[1] is x: indexing with the comparison is UNARY.relu without a branch.
      for (; o < end; o++, p += s) {
        const v = x[p]!;
        pick[1] = v;
        out[o] = pick[+!(v <= 0)]!;
      }
      return;
    case 'step':
      for (; o < end; o++, p += s) out[o] = +(x[p]! > 0);
      return;
    case 'tanh':
      for (; o < end; o++, p += s) out[o] = Math.tanh(x[p]!);
      return;
    case 'identity':
      for (; o < end; o++, p += s) out[o] = x[p]!;
      return;
    case 'sigmoid':
      for (; o < end; o++, p += s) out[o] = sigmoid(x[p]!);
      return;
    case 'softplus':
      for (; o < end; o++, p += s) out[o] = softplus(x[p]!);
      return;
    case 'sign':
      for (; o < end; o++, p += s) out[o] = Math.sign(x[p]!);
      return;
    case 'sin':
      for (; o < end; o++, p += s) out[o] = Math.sin(x[p]!);
      return;
    case 'cos':
      for (; o < end; o++, p += s) out[o] = Math.cos(x[p]!);
      return;
    case 'leakyRelu':
      for (; o < end; o++, p += s) {
        const v = x[p]!;
        out[o] = v > 0 ? v : v * p0;
      }
      return;
    case 'elu':
      for (; o < end; o++, p += s) {
        const v = x[p]!;
        out[o] = v > 0 ? v : p0 * Math.expm1(v);
      }
      return;
    case 'erf':
      for (; o < end; o++, p += s) out[o] = erf(x[p]!);
      return;
    case 'log1p':
      for (; o < end; o++, p += s) out[o] = Math.log1p(x[p]!);
      return;
    case 'expm1':
      for (; o < end; o++, p += s) out[o] = Math.expm1(x[p]!);
      return;
    case 'rsqrt':
      for (; o < end; o++, p += s) out[o] = 1 / Math.sqrt(x[p]!);
      return;
    case 'clamp':
      // As UNARY.clamp: NaN bounds pass x through, and max wins when min > max.
      for (; o < end; o++, p += s) {
        const v = x[p]!;
        const y = v < p0 ? p0 : v;
        out[o] = y > p1 ? p1 : y;
      }
      return;
  }
}

/** out[o + j] = op(a[pa + j * sa], b[pb + j * sb]) for j < len. */
export function binaryRun(
  op: BinaryOp,
  a: TypedArray,
  pa: number,
  sa: number,
  b: TypedArray,
  pb: number,
  sb: number,
  out: TypedArray,
  o: number,
  len: number,
): void {
  const end = o + len;
  switch (op) {
    case 'add':
      for (; o < end; o++, pa += sa, pb += sb) out[o] = a[pa]! + b[pb]!;
      return;
    case 'sub':
      for (; o < end; o++, pa += sa, pb += sb) out[o] = a[pa]! - b[pb]!;
      return;
    case 'mul':
      for (; o < end; o++, pa += sa, pb += sb) out[o] = a[pa]! * b[pb]!;
      return;
    case 'div':
      for (; o < end; o++, pa += sa, pb += sb) out[o] = a[pa]! / b[pb]!;
      return;
    case 'eq':
      for (; o < end; o++, pa += sa, pb += sb) out[o] = +(a[pa]! === b[pb]!);
      return;
    case 'pow':
      for (; o < end; o++, pa += sa, pb += sb) out[o] = powC(a[pa]!, b[pb]!);
      return;
    case 'maximum':
      for (; o < end; o++, pa += sa, pb += sb) {
        const u = a[pa]!;
        const v = b[pb]!;
        out[o] = u > v || Number.isNaN(u) ? u : v;
      }
      return;
    case 'minimum':
      for (; o < end; o++, pa += sa, pb += sb) {
        const u = a[pa]!;
        const v = b[pb]!;
        out[o] = u < v || Number.isNaN(u) ? u : v;
      }
      return;
    case 'reluGrad':
      for (; o < end; o++, pa += sa, pb += sb) {
        pick[1] = a[pa]!;
        out[o] = pick[+!(b[pb]! <= 0)]!;
      }
      return;
    case 'ne':
      for (; o < end; o++, pa += sa, pb += sb) out[o] = +(a[pa]! !== b[pb]!);
      return;
    case 'lt':
      for (; o < end; o++, pa += sa, pb += sb) out[o] = +(a[pa]! < b[pb]!);
      return;
    case 'le':
      for (; o < end; o++, pa += sa, pb += sb) out[o] = +(a[pa]! <= b[pb]!);
      return;
    case 'gt':
      for (; o < end; o++, pa += sa, pb += sb) out[o] = +(a[pa]! > b[pb]!);
      return;
    case 'ge':
      for (; o < end; o++, pa += sa, pb += sb) out[o] = +(a[pa]! >= b[pb]!);
      return;
  }
}

/**
 * out[o + j] = op(a[pa + j * sa], v) for j < len, for the ops where a constant right operand (a
 * scalar, or a [N, 1] column along its row) is worth hoisting out of the loop; false for the others.
 */
export function binaryConstRun(
  op: BinaryOp,
  a: TypedArray,
  pa: number,
  sa: number,
  v: number,
  out: TypedArray,
  o: number,
  len: number,
): boolean {
  const end = o + len;
  switch (op) {
    case 'add':
      for (; o < end; o++, pa += sa) out[o] = a[pa]! + v;
      return true;
    case 'sub':
      for (; o < end; o++, pa += sa) out[o] = a[pa]! - v;
      return true;
    case 'mul':
      for (; o < end; o++, pa += sa) out[o] = a[pa]! * v;
      return true;
    case 'div':
      for (; o < end; o++, pa += sa) out[o] = a[pa]! / v;
      return true;
    default:
      return false;
  }
}
