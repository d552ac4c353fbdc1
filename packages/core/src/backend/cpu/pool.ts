import type { StridedView, WindowGeometry } from '../backend.js';
import { denseOf } from './elementwise.js';

// The element (flat index into x) of each window's first maximum, as PyTorch's max_pool2d picks
// it: the first in-bounds element, in row-major order, equal to the window's max (a window of
// -Infinity has its first in-bounds element), and when the max is NaN the last NaN (PyTorch takes an
// element when it is greater than the best so far or NaN). Looking for the max already computed,
// rather than comparing each element with a running best, keeps the branch predictable and stops
// at the first match. The loop nest alone, with nothing after it: V8 compiles it on-stack mid-loop,
// and code after the loop that had not run yet then made it deoptimize at the end of every call.
export function maxPoolIndices(x: StridedView, out: StridedView, g: WindowGeometry): Int32Array {
  const [xs, xo] = denseOf(x);
  const [ys, yo] = denseOf(out);
  const at = new Int32Array(g.batch * g.channels * g.outHeight * g.outWidth);
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
        const m = ys[yo + o]!;
        const nan = Number.isNaN(m);
        let k = -1;
        window: for (let r = ra; r < rb; r += dh) {
          for (let c = ca; c < cb; c += dw) {
            const v = xs[xo + base + r * w + c]!;
            if (v === m) {
              k = base + r * w + c;
              break window;
            }
            if (nan && Number.isNaN(v)) k = base + r * w + c;
          }
        }
        at[o] = k;
      }
    }
  }
  return at;
}
