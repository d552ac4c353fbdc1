import { allocate, dtypeOf, type TypedArray } from '../../dtype.js';
import type { MaxPooled, StridedView, WindowGeometry } from '../backend.js';
import { denseOf } from './elementwise.js';

// One pass over each window's in-bounds elements in row-major order, keeping the element PyTorch's
// max_pool2d keeps: a greater one, or any NaN (so the first maximum, or the last NaN). The first
// in-bounds element starts the run, so a window of -Infinity keeps its first element, and padding
// never takes part. The pooled value is the kept element's, so value and index always agree.
export function maxPool(x: StridedView, g: WindowGeometry, withIndices: boolean): MaxPooled<TypedArray> {
  const [xs, xo] = denseOf(x);
  const n = g.batch * g.channels * g.outHeight * g.outWidth;
  const values = allocate(dtypeOf(x.storage), n);
  const at = withIndices ? new Int32Array(n) : null;
  windows(xs, xo, g, values, at);
  return { values, indices: at };
}

// The loop nest alone, with nothing after it: V8 compiles it on-stack mid-loop, and code after the
// loop that had not run yet then made it deoptimize at the end of every call.
function windows(
  xs: TypedArray,
  xo: number,
  g: WindowGeometry,
  values: TypedArray,
  at: Int32Array | null,
): void {
  const { height: h, width: w, outHeight: oh, outWidth: ow } = g;
  const [kh, kw] = g.kernel;
  const [sh, sw] = g.stride;
  const [ph, pw] = g.padding;
  const [dh, dw] = g.dilation;
  let o = 0;
  for (let p = 0; p < g.batch * g.channels; p++) {
    const base = p * h * w;
    for (let i = 0; i < oh; i++) {
      // The window's in-bounds rows are ra, ra + dh, ... below rb (likewise its columns); only
      // windows over the padding need the division.
      const r0 = i * sh - ph;
      const ra = r0 >= 0 ? r0 : r0 + Math.ceil(-r0 / dh) * dh;
      const rb = Math.min(r0 + (kh - 1) * dh + 1, h);
      for (let j = 0; j < ow; j++, o++) {
        const c0 = j * sw - pw;
        const ca = c0 >= 0 ? c0 : c0 + Math.ceil(-c0 / dw) * dw;
        const cb = Math.min(c0 + (kw - 1) * dw + 1, w);
        let k = ra < rb && ca < cb ? base + ra * w + ca : -1;
        let best = k < 0 ? Number.NEGATIVE_INFINITY : xs[xo + k]!;
        for (let r = ra; r < rb; r += dh) {
          for (let c = ca; c < cb; c += dw) {
            const v = xs[xo + base + r * w + c]!;
            if (v > best || Number.isNaN(v)) {
              best = v;
              k = base + r * w + c;
            }
          }
        }
        values[o] = best;
        if (at !== null) at[o] = k;
      }
    }
  }
}
