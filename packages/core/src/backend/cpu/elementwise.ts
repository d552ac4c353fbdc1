import { allocate, type DType, dtypeOf, type TypedArray } from '../../dtype.js';
import { contiguousStrides, type Shape, sizeOf } from '../../shape.js';
import type { BinaryOp, StridedView, UnaryOp } from '../backend.js';
import { binaryConstRun, binaryRun, unaryRun } from './loops.js';
import { isDense, planFlat } from './rows.js';

export function full(length: number, value: number, dtype: DType): TypedArray {
  const out = allocate(dtype, length);
  // allocate zero-fills: most fills are zeros (but not -0, whose sign a fill keeps).
  if (value !== 0 || Object.is(value, -0)) out.fill(value);
  return out;
}

export function unary(op: UnaryOp, x: StridedView, outDtype: DType, p0 = 0, p1 = 0): TypedArray {
  const n = sizeOf(x.shape);
  const out = allocate(outDtype, n);
  if (isDense(x)) {
    unaryRun(op, x.storage, x.offset, 1, out, 0, n, p0, p1);
    return out;
  }
  const { rows, inner, innerStrides, bases } = planFlat(x.shape, [x]);
  const s = innerStrides[0]!;
  const base = bases[0]!;
  for (let r = 0; r < rows; r++) unaryRun(op, x.storage, base[r]!, s, out, r * inner, inner, p0, p1);
  return out;
}

export function binary(
  op: BinaryOp,
  a: StridedView,
  b: StridedView,
  outShape: Shape,
  outDtype: DType,
): TypedArray {
  const n = sizeOf(outShape);
  const out = allocate(outDtype, n);
  // One element (0-d graphs, micrograd-style): its storage offset is the view's offset.
  if (n === 1) {
    binaryRun(op, a.storage, a.offset, 0, b.storage, b.offset, 0, out, 0, 1);
    return out;
  }
  const { rows, inner, innerStrides, bases } = planFlat(outShape, [a, b]);
  const [sa, sb] = innerStrides as [number, number];
  const [ba, bb] = bases as [Int32Array, Int32Array];
  for (let r = 0; r < rows; r++) {
    const [pa, pb, o] = [ba[r]!, bb[r]!, r * inner];
    if (sb === 0 && binaryConstRun(op, a.storage, pa, sa, b.storage[pb]!, out, o, inner)) continue;
    binaryRun(op, a.storage, pa, sa, b.storage, pb, sb, out, o, inner);
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
  const { rows, inner, innerStrides, bases } = planFlat(outShape, [cond, a, b]);
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
  const { rows, inner, innerStrides, bases } = planFlat(dst.shape, [src, dst]);
  const [ss, sd] = innerStrides as [number, number];
  const [bs, bd] = bases as [Int32Array, Int32Array];
  const s = src.storage;
  const d = dst.storage;
  for (let r = 0; r < rows; r++) {
    // Unit-stride rows copy as a block (with the same conversion to d's type as element stores).
    if (ss === 1 && sd === 1) d.set(s.subarray(bs[r]!, bs[r]! + inner), bd[r]!);
    else for (let j = 0, ps = bs[r]!, pd = bd[r]!; j < inner; j++, ps += ss, pd += sd) d[pd] = s[ps]!;
  }
}

/**
 * `v`'s elements in row-major order as `[array, offset]`: its own storage when `v` is dense,
 * else a dense copy. Kernels that walk their input in order read any strided view through this.
 */
export function denseOf(v: StridedView): [TypedArray, number] {
  if (isDense(v)) return [v.storage, v.offset];
  const out = allocate(dtypeOf(v.storage), sizeOf(v.shape));
  copy(v, { storage: out, shape: v.shape, strides: contiguousStrides(v.shape), offset: 0 });
  return [out, 0];
}
