import type { Shape } from '../../shape.js';
import type { StridedView } from '../backend.js';

/**
 * Splits a walk over `shape` into rows along its last dim: for each operand, the storage offset of
 * each row's first element and the stride inside a row. Kernels then run a tight inner loop per
 * row, whatever the operands' strides (broadcast dims have stride 0).
 */
export interface RowPlan {
  readonly rows: number;
  readonly inner: number;
  readonly innerStrides: number[];
  readonly bases: Int32Array[];
}

/** Strides of `view` read as if broadcast to `shape` (0 along broadcast dims). */
export function broadcastStrides(view: StridedView, shape: Shape): number[] {
  const nd = shape.length;
  const vd = view.shape.length;
  const out = new Array<number>(nd).fill(0);
  for (let i = 0; i < vd; i++) {
    const d = nd - vd + i;
    out[d] = view.shape[i] === 1 && shape[d] !== 1 ? 0 : view.strides[i]!;
  }
  return out;
}

export function planRows(shape: Shape, views: readonly StridedView[]): RowPlan {
  return planStrided(
    shape,
    views.map((v) => broadcastStrides(v, shape)),
    views.map((v) => v.offset),
  );
}

/**
 * `planRows` over a simpler but equivalent walk: size-1 dims are dropped and neighbouring dims that
 * every operand steps through contiguously are merged. Same-shape dense operands become one row, a
 * scalar one row of stride 0, and `[N, C] + [C]` N rows of C. The element order stays row-major, so
 * kernels that only need that order (not the row boundaries) may use it.
 */
export function planFlat(shape: Shape, views: readonly StridedView[]): RowPlan {
  const strides = views.map((v) => broadcastStrides(v, shape));
  const merged: number[] = [];
  const mergedStrides: number[][] = views.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    const size = shape[d]!;
    if (size === 1) continue;
    const last = merged.length - 1;
    if (last >= 0 && strides.every((s, k) => mergedStrides[k]![last] === s[d]! * size)) {
      merged[last]! *= size;
      for (let k = 0; k < views.length; k++) mergedStrides[k]![last] = strides[k]![d]!;
    } else {
      merged.push(size);
      for (let k = 0; k < views.length; k++) mergedStrides[k]!.push(strides[k]![d]!);
    }
  }
  return planStrided(
    merged,
    mergedStrides,
    views.map((v) => v.offset),
  );
}

function planStrided(shape: Shape, strides: readonly number[][], offsets: readonly number[]): RowPlan {
  const nd = shape.length;
  const count = strides.length;
  const inner = nd === 0 ? 1 : shape[nd - 1]!;
  let rows = 1;
  for (let d = 0; d < nd - 1; d++) rows *= shape[d]!;
  if (inner === 0) rows = 0;
  const bases = strides.map(() => new Int32Array(rows));
  const index = new Array<number>(Math.max(nd - 1, 0)).fill(0);
  const pos = [...offsets];
  for (let r = 0; r < rows; r++) {
    for (let k = 0; k < count; k++) bases[k]![r] = pos[k]!;
    for (let d = nd - 2; d >= 0; d--) {
      index[d]!++;
      for (let k = 0; k < count; k++) pos[k]! += strides[k]![d]!;
      if (index[d]! < shape[d]!) break;
      for (let k = 0; k < count; k++) pos[k]! -= strides[k]![d]! * shape[d]!;
      index[d] = 0;
    }
  }
  return { rows, inner, innerStrides: strides.map((s) => (nd === 0 ? 0 : s[nd - 1]!)), bases };
}

/** Storage offset of every element of a strided shape, in row-major order. */
export function elementOffsets(shape: Shape, strides: readonly number[], offset: number): Int32Array {
  const { rows, inner, innerStrides, bases } = planFlat(shape, [
    { storage: new Float64Array(0), shape, strides, offset },
  ]);
  const out = new Int32Array(rows * inner);
  const s = innerStrides[0]!;
  for (let r = 0, o = 0; r < rows; r++)
    for (let j = 0, p = bases[0]![r]!; j < inner; j++, p += s) out[o++] = p;
  return out;
}

/** True when `view` is row-major contiguous over its own shape. */
export function isDense(view: StridedView): boolean {
  let expected = 1;
  for (let i = view.shape.length - 1; i >= 0; i--) {
    const d = view.shape[i]!;
    if (d !== 1 && view.strides[i] !== expected) return false;
    expected *= d;
  }
  return true;
}
