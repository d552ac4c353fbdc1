import { sizeOf } from '../../shape.js';
import type { StridedView } from '../backend.js';
import { copy as cpuCopy } from '../cpu/elementwise.js';
import { isDense, planFlat } from '../cpu/rows.js';
import { copyIn, copyOut, F32, inWasm } from './call.js';

// A strided float32 view copied into a dense one (a transposed gradient made contiguous, say) runs
// in elementwise.wat's `gather`: the source's storage range is block-copied in, each output row
// gathered with its stride, and the rows block-copied out, instead of one typed-array element at a
// time. Copies whose rows are already contiguous are block copies in the cpu kernel and stay there,
// as do other dtypes and strided targets. The source is read whole before the target is written.

const MIN = 512; // elements below which the copies in and out cost more than they save
const MIN_RUN = 16;
const MAX = 4 << 20;

/** The storage range [lo, hi] that `v` reads. */
function span(v: StridedView): [number, number] {
  let [lo, hi] = [v.offset, v.offset];
  for (let d = 0; d < v.shape.length; d++) {
    const reach = (v.shape[d]! - 1) * v.strides[d]!;
    if (reach < 0) lo += reach;
    else hi += reach;
  }
  return [lo, hi];
}

/** The rows of `dst`'s walk and the source's range, when wasm should take this copy; else null. */
function plan(src: StridedView, dst: StridedView, n: number) {
  const f32 = src.storage instanceof Float32Array && dst.storage instanceof Float32Array;
  if (!f32 || n < MIN || n > MAX || !isDense(dst)) return null;
  const [lo, hi] = span(src);
  const p = planFlat(dst.shape, [src, dst]);
  const stride = p.innerStrides[0]!;
  if (stride === 1 || p.inner < MIN_RUN || hi - lo + 1 > 2 * n + 64) return null;
  return { lo, hi, stride, rows: p.rows, inner: p.inner, bases: p.bases[0]! };
}

export function copy(src: StridedView, dst: StridedView): void {
  const n = sizeOf(dst.shape);
  const p = plan(src, dst, n);
  if (p === null || !copyInWasm(p, src, dst, n)) cpuCopy(src, dst);
}

// Apart from copy, whose closure would otherwise give every call (small ones too) a heap context.
function copyInWasm(
  p: NonNullable<ReturnType<typeof plan>>,
  src: StridedView,
  dst: StridedView,
  n: number,
): boolean {
  const done = inWasm([p.hi - p.lo + 1, n], (kernels, mem, [atSrc, atOut]) => {
    copyIn(mem, atSrc, src, p.hi - p.lo + 1, p.lo);
    for (let r = 0; r < p.rows; r++) {
      const at = (atSrc + p.bases[r]! - p.lo) * F32;
      kernels.elementwise.gather(at, p.stride * F32, (atOut + r * p.inner) * F32, p.inner);
    }
    copyOut(mem, atOut, dst, n);
    return true;
  });
  return done === true;
}
