import type { DType } from '../../dtype.js';
import type { Shape } from '../../shape.js';
import { contiguousStrides, sizeOf } from '../../shape.js';
import type { BinaryOp, UnaryOp } from '../backend.js';
import { gpuContext } from './runtime.js';
import type { GpuStorage } from './storage.js';
import {
  allocateGpu,
  binding,
  broadcastTo,
  contextOf,
  entry,
  f32Word,
  type GpuView,
  HEADER,
  launch,
  nanTest,
  VIEWS,
  viewsHeader,
  wgslType,
} from './wgsl.js';

// Elementwise kernels: one thread per output element, inputs read through their strides. Float ops
// compute in f32; int32 inputs to int32 outputs compute in i32 where the op is exact there (add,
// sub, mul, min/max, comparisons, neg, abs, sign, square, relu), wrapping as Int32Array does.

/** Each unary op as a WGSL expression of `v` (and the scalars `p0`, `p1`), in type `T`. */
const UNARY: Record<UnaryOp, string> = {
  neg: '-v',
  exp: 'exp(v)',
  log: 'log(v)',
  sqrt: 'sqrt(v)',
  abs: 'abs(v)',
  sign: 'sign(v)',
  sin: 'sinF(v)',
  cos: 'cosF(v)',
  square: 'v * v',
  reciprocal: '1.0 / v',
  relu: 'select(v, T(0), v <= T(0))',
  // exp's argument kept non-positive, as the cpu kernel does, so neither branch overflows.
  sigmoid: 'select(exp(v) / (1.0 + exp(v)), 1.0 / (1.0 + exp(-v)), v >= 0.0)',
  // tanh(±9) is ±1 in f32; clamping keeps implementations that compute tanh through exp finite.
  tanh: 'tanh(clamp(v, -9.0, 9.0))',
  softplus: 'select(max(v, 0.0) + log(1.0 + exp(-abs(v))), v, v > 20.0)',
  step: 'select(T(0), T(1), v > T(0))',
  leakyRelu: 'select(v * p0, v, v > 0.0)',
  elu: 'select(p0 * (exp(v) - 1.0), v, v > 0.0)',
  clamp: 'min(max(v, p0), p1)',
  identity: 'v',
  erf: 'erfF(v)',
  log1p: 'log1pF(v)',
  expm1: 'expm1F(v)',
  rsqrt: '1.0 / sqrt(v)',
};

// erf, log1p and expm1, which WGSL lacks. erf takes the cpu kernel's two expansions (see cpu/erf.ts)
// to float32 accuracy; log1p and expm1 correct the rounding of 1 + v and of exp(v) (Kahan's trick),
// which keeps their accuracy for tiny v where the naive formulas return 0.
const SPECIAL = /* wgsl */ `
fn erfF(v: f32) -> f32 {
  let a = abs(v);
  if (a >= 4.0) { return sign(v); }
  if (a < 2.5) {
    let x2 = v * v;
    var term = v;
    var total = v;
    for (var n = 1; n < 64; n++) {
      term *= 2.0 * x2 / f32(2 * n + 1);
      total += term;
      if (abs(term) <= 1e-8 * abs(total)) { break; }
    }
    return 1.1283791671 * exp(-x2) * total;
  }
  var f = a;
  var c = a;
  var d = 0.0;
  for (var k = 1; k < 128; k++) {
    let ak = 0.5 * f32(k);
    d = 1.0 / (a + ak * d);
    c = a + ak / c;
    let delta = c * d;
    f *= delta;
    if (abs(delta - 1.0) <= 1e-7) { break; }
  }
  return sign(v) * (1.0 - 0.5641895835 * exp(-a * a) / f);
}
fn log1pF(v: f32) -> f32 {
  let u = 1.0 + v;
  if (u == 1.0) { return v; }
  if (u > 1e30) { return log(u); }
  return log(u) * (v / (u - 1.0));
}
fn expm1F(v: f32) -> f32 {
  let u = exp(v);
  if (u == 1.0) { return v; }
  let um1 = u - 1.0;
  if (um1 == -1.0 || u > 1e30) { return um1; }
  return um1 * (v / log(u));
}
`;
const NEEDS_SPECIAL = new Set<UnaryOp>(['erf', 'log1p', 'expm1']);

// sin and cos to float32 accuracy. WGSL promises only 2^-11 absolute error for its own (SwiftShader
// is off by 1e-4), so these reduce by π/2 in three parts (Cody-Waite) and use Cephes' sinf/cosf
// polynomials on [-π/4, π/4].
const TRIG = /* wgsl */ `
fn sinPoly(x: f32) -> f32 { let z = x * x; return x + x * z * (-1.6666654611e-1 + z * (8.3321608736e-3 + z * -1.9515295891e-4)); }
fn cosPoly(x: f32) -> f32 { let z = x * x; return 1.0 - 0.5 * z + z * z * (4.166664568298827e-2 + z * (-1.388731625493765e-3 + z * 2.443315711809948e-5)); }
fn quadrant(v: f32) -> vec2f {
  let j = round(v * 0.63661977236);
  let x = ((v - j * 1.5703125) - j * 4.837512969970703125e-4) - j * 7.54978995489188216e-8;
  return vec2f(x, j);
}
fn sinF(v: f32) -> f32 {
  let r = quadrant(v);
  let q = i32(r.y) & 3;
  let s = select(sinPoly(r.x), cosPoly(r.x), (q & 1) == 1);
  return select(s, -s, q >= 2);
}
fn cosF(v: f32) -> f32 {
  let r = quadrant(v);
  let q = i32(r.y) & 3;
  let c = select(cosPoly(r.x), -sinPoly(r.x), (q & 1) == 1);
  return select(c, -c, q >= 2);
}
`;

const INT_EXACT_UNARY = new Set<UnaryOp>(['neg', 'abs', 'sign', 'square', 'relu', 'step', 'identity']);

export function unary(op: UnaryOp, x: GpuView, outDtype: DType, p0 = 0, p1 = 0): GpuStorage {
  const ctx = contextOf(x);
  const n = sizeOf(x.shape);
  const out = allocateGpu(ctx, outDtype, n, op);
  const inT = wgslType(x.storage.dtype, op);
  const outT = wgslType(outDtype, op);
  const T = inT === 'i32' && outT === 'i32' && INT_EXACT_UNARY.has(op) ? 'i32' : 'f32';
  const header = viewsHeader(x.shape, [x]);
  // Missing clamp bounds arrive as NaN: as infinities they bound nothing.
  const lo = op === 'clamp' && Number.isNaN(p0) ? Number.NEGATIVE_INFINITY : p0;
  const hi = op === 'clamp' && Number.isNaN(p1) ? Number.POSITIVE_INFINITY : p1;
  launch(
    ctx,
    `unary:${op}:${inT}:${outT}`,
    () =>
      HEADER +
      VIEWS +
      (op === 'sin' || op === 'cos' ? TRIG : '') +
      (NEEDS_SPECIAL.has(op) ? SPECIAL : '') +
      binding(1, 'x', inT) +
      binding(2, 'out', outT, 'read_write') +
      `alias T = ${T};\n` +
      entry(`
  let p0 = param(1u, 0u);
  let p1 = param(1u, 1u);
  let v = T(x[at(i, 0u)]);
  out[i] = ${outT}(${UNARY[op]});`),
    [...header, f32Word(lo), f32Word(hi)],
    [x.storage, out],
    n,
  );
  return out;
}

// pow as C's (and PyTorch's): 1 to any power and anything to the power 0 are 1; a negative base
// takes the sign of an odd integer exponent (WGSL's pow is undefined for negative bases).
const POW = /* wgsl */ `
fn powC(a: f32, b: f32) -> f32 {
  if (a == 1.0 || b == 0.0) { return 1.0; }
  let m = pow(abs(a), b);
  if (a >= 0.0) { return m; }
  if (b != floor(b)) { return nan(); }
  return select(m, -m, abs(b % 2.0) == 1.0);
}
`;

/** Each binary op as a WGSL expression of `a` and `b`; comparisons give 1/0 in the output type `O`. */
const BINARY: Record<BinaryOp, string> = {
  add: 'a + b',
  sub: 'a - b',
  mul: 'a * b',
  div: 'a / b',
  pow: 'powC(a, b)',
  // NaN wins, as in PyTorch (a + b is NaN when either is); comparisons with NaN are false but !=.
  maximum: 'select(select(b, a, a > b), a + b, isNanT(a) || isNanT(b))',
  minimum: 'select(select(b, a, a < b), a + b, isNanT(a) || isNanT(b))',
  reluGrad: 'select(O(a), O(0), b <= 0 && !isNanT(b))',
  eq: 'select(O(0), O(1), a == b && !(isNanT(a) || isNanT(b)))',
  ne: 'select(O(0), O(1), a != b || isNanT(a) || isNanT(b))',
  lt: 'select(O(0), O(1), a < b && !(isNanT(a) || isNanT(b)))',
  le: 'select(O(0), O(1), a <= b && !(isNanT(a) || isNanT(b)))',
  gt: 'select(O(0), O(1), a > b && !(isNanT(a) || isNanT(b)))',
  ge: 'select(O(0), O(1), a >= b && !(isNanT(a) || isNanT(b)))',
};

const FLOAT_ONLY = new Set<BinaryOp>(['div', 'pow']);

export function binary(op: BinaryOp, a: GpuView, b: GpuView, outShape: Shape, outDtype: DType): GpuStorage {
  const ctx = contextOf(a);
  const n = sizeOf(outShape);
  const out = allocateGpu(ctx, outDtype, n, op);
  const aT = wgslType(a.storage.dtype, op);
  const bT = wgslType(b.storage.dtype, op);
  const outT = wgslType(outDtype, op);
  const T = aT === 'i32' && bT === 'i32' && !FLOAT_ONLY.has(op) ? 'i32' : 'f32';
  launch(
    ctx,
    `binary:${op}:${aT}:${bT}:${outT}`,
    () =>
      HEADER +
      VIEWS +
      (op === 'pow' ? POW : '') +
      binding(1, 'xa', aT) +
      binding(2, 'xb', bT) +
      binding(3, 'out', outT, 'read_write') +
      nanTest(T) +
      `alias O = ${outT};\n` +
      entry(`
  let a = ${T}(xa[at(i, 0u)]);
  let b = ${T}(xb[at(i, 1u)]);
  out[i] = O(${BINARY[op]});`),
    viewsHeader(outShape, [broadcastTo(a, outShape), broadcastTo(b, outShape)]),
    [a.storage, b.storage, out],
    n,
  );
  return out;
}

export function select(cond: GpuView, a: GpuView, b: GpuView, outShape: Shape, outDtype: DType): GpuStorage {
  const ctx = contextOf(a);
  const n = sizeOf(outShape);
  const out = allocateGpu(ctx, outDtype, n, 'where');
  const cT = wgslType(cond.storage.dtype, 'where');
  const aT = wgslType(a.storage.dtype, 'where');
  const bT = wgslType(b.storage.dtype, 'where');
  const outT = wgslType(outDtype, 'where');
  launch(
    ctx,
    `select:${cT}:${aT}:${bT}:${outT}`,
    () =>
      HEADER +
      VIEWS +
      binding(1, 'c', cT) +
      binding(2, 'xa', aT) +
      binding(3, 'xb', bT) +
      binding(4, 'out', outT, 'read_write') +
      entry(`
  out[i] = select(${outT}(xb[at(i, 2u)]), ${outT}(xa[at(i, 1u)]), c[at(i, 0u)] != ${cT}(0));`),
    viewsHeader(outShape, [broadcastTo(cond, outShape), broadcastTo(a, outShape), broadcastTo(b, outShape)]),
    [cond.storage, a.storage, b.storage, out],
    n,
  );
  return out;
}

export function copy(src: GpuView, dst: GpuView): void {
  const ctx = contextOf(dst);
  if (src.storage === dst.storage) {
    // A buffer cannot be bound for reading and writing in one dispatch: go through a copy.
    const staged = unary('identity', src, src.storage.dtype);
    copy({ storage: staged, shape: src.shape, strides: contiguousStrides(src.shape), offset: 0 }, dst);
    return;
  }
  const sT = wgslType(src.storage.dtype, 'copy_');
  const dT = wgslType(dst.storage.dtype, 'copy_');
  launch(
    ctx,
    `copy:${sT}:${dT}`,
    () =>
      HEADER +
      VIEWS +
      binding(1, 'src', sT) +
      binding(2, 'dst', dT, 'read_write') +
      entry(`
  dst[at(i, 1u)] = ${dT}(src[at(i, 0u)]);`),
    viewsHeader(dst.shape, [src, dst]),
    [src.storage, dst.storage],
    sizeOf(dst.shape),
  );
}

/** A fresh buffer of `length` elements all equal to `value`. */
export function full(length: number, value: number, dtype: DType): GpuStorage {
  const ctx = gpuContext('full');
  const out = allocateGpu(ctx, dtype, length, 'full');
  const T = wgslType(dtype, 'full');
  launch(
    ctx,
    `fill:${T}`,
    () => HEADER + binding(1, 'out', T, 'read_write') + entry(`out[i] = ${T}(metaF(1u));`),
    [length, f32Word(value)],
    [out],
    length,
  );
  return out;
}
