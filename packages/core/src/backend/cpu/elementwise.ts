import { allocate, type DType, type TypedArray } from '../../dtype.js';
import { type Shape, shapesEqual, sizeOf } from '../../shape.js';
import type { BinaryOp, StridedView, UnaryOp } from '../backend.js';
import { isDense, planRows } from './rows.js';

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
};

export const BINARY: Record<BinaryOp, Binary> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  pow: (a, b) => a ** b,
  maximum: (a, b) => (a > b || Number.isNaN(a) ? a : b),
  minimum: (a, b) => (a < b || Number.isNaN(a) ? a : b),
  eq: (a, b) => (a === b ? 1 : 0),
  ne: (a, b) => (a !== b ? 1 : 0),
  lt: (a, b) => (a < b ? 1 : 0),
  le: (a, b) => (a <= b ? 1 : 0),
  gt: (a, b) => (a > b ? 1 : 0),
  ge: (a, b) => (a >= b ? 1 : 0),
};

export function unary(op: UnaryOp, x: StridedView, outDtype: DType, p0 = 0, p1 = 0): TypedArray {
  const f = UNARY[op];
  const n = sizeOf(x.shape);
  const out = allocate(outDtype, n);
  const xd = x.storage;
  if (isDense(x)) {
    const o = x.offset;
    for (let i = 0; i < n; i++) out[i] = f(xd[o + i]!, p0, p1);
    return out;
  }
  const { rows, inner, innerStrides, bases } = planRows(x.shape, [x]);
  const sx = innerStrides[0]!;
  const bx = bases[0]!;
  for (let r = 0, o = 0; r < rows; r++) {
    for (let j = 0, p = bx[r]!; j < inner; j++, p += sx) out[o++] = f(xd[p]!, p0, p1);
  }
  return out;
}

export function binary(
  op: BinaryOp,
  a: StridedView,
  b: StridedView,
  outShape: Shape,
  outDtype: DType,
): TypedArray {
  const f = BINARY[op];
  const n = sizeOf(outShape);
  const out = allocate(outDtype, n);
  const ad = a.storage;
  const bd = b.storage;
  const sameShapes = shapesEqual(a.shape, outShape) && shapesEqual(b.shape, outShape);
  if (sameShapes && isDense(a) && isDense(b)) {
    const oa = a.offset;
    const ob = b.offset;
    for (let i = 0; i < n; i++) out[i] = f(ad[oa + i]!, bd[ob + i]!);
    return out;
  }
  if (shapesEqual(a.shape, outShape) && isDense(a) && sizeOf(b.shape) === 1) {
    const oa = a.offset;
    const bv = bd[b.offset]!;
    for (let i = 0; i < n; i++) out[i] = f(ad[oa + i]!, bv);
    return out;
  }
  const { rows, inner, innerStrides, bases } = planRows(outShape, [a, b]);
  const [sa, sb] = innerStrides as [number, number];
  const [ba, bb] = bases as [Int32Array, Int32Array];
  for (let r = 0, o = 0; r < rows; r++) {
    for (let j = 0, pa = ba[r]!, pb = bb[r]!; j < inner; j++, pa += sa, pb += sb)
      out[o++] = f(ad[pa]!, bd[pb]!);
  }
  return out;
}

export function select(
  cond: StridedView,
  a: StridedView,
  b: StridedView,
  outShape: Shape,
  outDtype: DType,
): TypedArray {
  const out = allocate(outDtype, sizeOf(outShape));
  const { rows, inner, innerStrides, bases } = planRows(outShape, [cond, a, b]);
  const [sc, sa, sb] = innerStrides as [number, number, number];
  const [bc, ba, bb] = bases as [Int32Array, Int32Array, Int32Array];
  const cd = cond.storage;
  const ad = a.storage;
  const bd = b.storage;
  for (let r = 0, o = 0; r < rows; r++) {
    let pc = bc[r]!;
    let pa = ba[r]!;
    let pb = bb[r]!;
    for (let j = 0; j < inner; j++, pc += sc, pa += sa, pb += sb) out[o++] = cd[pc] !== 0 ? ad[pa]! : bd[pb]!;
  }
  return out;
}

export function copy(src: StridedView, dst: StridedView): void {
  const { rows, inner, innerStrides, bases } = planRows(dst.shape, [src, dst]);
  const [ss, sd] = innerStrides as [number, number];
  const [bs, bd] = bases as [Int32Array, Int32Array];
  const s = src.storage;
  const d = dst.storage;
  for (let r = 0; r < rows; r++) {
    for (let j = 0, ps = bs[r]!, pd = bd[r]!; j < inner; j++, ps += ss, pd += sd) d[pd] = s[ps]!;
  }
}
