import { allocate, type DType, type TypedArray } from '../../dtype.js';
import type { Shape } from '../../shape.js';
import type { StridedView } from '../backend.js';
import { planRows } from './rows.js';

/** Storage offset of every element of a strided shape, in row-major order. */
export function elementOffsets(shape: Shape, strides: readonly number[], offset: number): Int32Array {
  const { rows, inner, innerStrides, bases } = planRows(shape, [
    { storage: new Float64Array(0), shape, strides, offset },
  ]);
  const out = new Int32Array(rows * inner);
  const s = innerStrides[0]!;
  for (let r = 0, o = 0; r < rows; r++)
    for (let j = 0, p = bases[0]![r]!; j < inner; j++, p += s) out[o++] = p;
  return out;
}

// Copies a strided m x n matrix into a dense row-major buffer, so the inner loop never walks a
// transposed stride.
function pack(
  src: TypedArray,
  base: number,
  rs: number,
  cs: number,
  m: number,
  n: number,
  dst: Float64Array,
): void {
  for (let i = 0, o = 0; i < m; i++) {
    for (let j = 0, p = base + i * rs; j < n; j++, p += cs) dst[o++] = src[p]!;
  }
}

export function matmul(a: StridedView, b: StridedView, outDtype: DType): TypedArray {
  const nd = a.shape.length;
  const m = a.shape[nd - 2]!;
  const k = a.shape[nd - 1]!;
  const n = b.shape[nd - 1]!;
  const batchShape = a.shape.slice(0, nd - 2);
  const aOffsets = elementOffsets(batchShape, a.strides.slice(0, nd - 2), a.offset);
  const bOffsets = elementOffsets(batchShape, b.strides.slice(0, nd - 2), b.offset);
  const batches = aOffsets.length;
  const out = allocate(outDtype, batches * m * n);
  const pa = new Float64Array(m * k);
  const pb = new Float64Array(k * n);
  const row = new Float64Array(n);
  const [ars, acs] = [a.strides[nd - 2]!, a.strides[nd - 1]!];
  const [brs, bcs] = [b.strides[nd - 2]!, b.strides[nd - 1]!];
  for (let t = 0; t < batches; t++) {
    pack(a.storage, aOffsets[t]!, ars, acs, m, k, pa);
    pack(b.storage, bOffsets[t]!, brs, bcs, k, n, pb);
    const outBase = t * m * n;
    for (let i = 0; i < m; i++) {
      row.fill(0);
      for (let p = 0; p < k; p++) {
        const aip = pa[i * k + p]!;
        if (aip === 0) continue;
        const bRow = p * n;
        for (let j = 0; j < n; j++) row[j]! += aip * pb[bRow + j]!;
      }
      for (let j = 0; j < n; j++) out[outBase + i * n + j] = row[j]!;
    }
  }
  return out;
}
