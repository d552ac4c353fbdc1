import { isGradEnabled } from '../autograd/grad-mode.js';
import { attach, recording } from '../autograd/node.js';
import { getBackend, type WindowGeometry } from '../backend/backend.js';
import { allocate, type TypedArray } from '../dtype.js';
import { Tensor } from '../tensor.js';
import { where } from './elementwise.js';
import { reshape } from './movement.js';

/** The windows of `x` as a differentiable op, and its adjoint (both from conv.ts). */
export interface WindowOps {
  unfold(x: Tensor, g: WindowGeometry, padValue: number): Tensor;
  fold(cols: Tensor, g: WindowGeometry): Tensor;
}

// A dense read-only window onto a tensor's elements: its storage when dense, else a copy.
function dense(t: Tensor): [TypedArray, number] {
  return t.isContiguous() ? [t.storage, t.offset] : [t.data(), 0];
}

/**
 * @internal Max pooling of NCHW `x4` over the windows of `g` as one op. The forward is im2col plus a
 * max kernel; the backward gives each window's dy to its first maximum, as PyTorch does: one pass
 * finds those elements, one adds dy there.
 */
export function maxPoolOp(x4: Tensor, g: WindowGeometry, ops: WindowOps): Tensor {
  const backend = getBackend();
  const k = g.kernel[0] * g.kernel[1];
  const l = g.outHeight * g.outWidth;
  const cols = new Tensor(backend.unfold(x4, g, Number.NEGATIVE_INFINITY, x4.dtype), [
    g.batch,
    g.channels,
    k,
    l,
  ]);
  const out = new Tensor(backend.reduce('max', cols, [2], x4.dtype), [
    g.batch,
    g.channels,
    g.outHeight,
    g.outWidth,
  ]);
  if (recording('maxPool2d', out, x4)) {
    attach(out, 'maxPool2d', [x4], [x4, out], (dy) => {
      const at = new Int32Array(g.batch * g.channels * l);
      firstMaxima(dense(x4), dense(out), at, g);
      // Recording the backward (createGraph) needs it as ops; otherwise one loop does it.
      return [isGradEnabled() ? composedBackward(at, dy, g, ops) : fusedBackward(x4, at, dy)];
    });
  }
  return out;
}

// dy put at each window's chosen tap of the unfolded windows (a one-hot mask), folded back.
function composedBackward(at: Int32Array, dy: Tensor, g: WindowGeometry, ops: WindowOps): Tensor {
  const [n, c, k, l] = [g.batch, g.channels, g.kernel[0] * g.kernel[1], g.outHeight * g.outWidth];
  const chosen = new Tensor(tapsOf(at, g), [n, c, 1, l]);
  const positions = new Tensor(
    Int32Array.from({ length: k }, (_, t) => t),
    [1, 1, k, 1],
  );
  return ops.fold(reshape(where(chosen.eq(positions), reshape(dy, [n, c, 1, l]), 0), [n, c * k, l]), g);
}

// dx[at] += dy, window by window: overlapping windows add up; an infinite or NaN dy reaches its
// element alone, as in PyTorch.
function fusedBackward(x4: Tensor, at: Int32Array, dy: Tensor): Tensor {
  const dx = allocate(x4.dtype, x4.size);
  addAt(dense(dy), at, dx);
  return new Tensor(dx, x4.shape);
}

function addAt([gs, go]: [TypedArray, number], at: Int32Array, dx: TypedArray): void {
  for (let o = 0; o < at.length; o++) {
    const i = at[o]!;
    dx[i] = dx[i]! + gs[go + o]!;
  }
}

// The element (flat index into x4) of each window's first maximum, as PyTorch's max_pool2d picks
// it: the first in-bounds element, in row-major order, equal to the window's max (a window of
// -Infinity has its first in-bounds element), and when the max is NaN the last NaN (PyTorch takes an
// element when it is greater than the best so far or NaN). Looking for the max already computed,
// rather than comparing each element with a running best, keeps the branch predictable and stops
// at the first match. The loop nest alone, with nothing after it: V8 compiles it on-stack mid-loop,
// and code after the loop that had not run yet then made it deoptimize at the end of every call.
function firstMaxima(
  [xs, xo]: [TypedArray, number],
  [ys, yo]: [TypedArray, number],
  at: Int32Array,
  g: WindowGeometry,
): void {
  const { height: h, width: w, outHeight: oh, outWidth: ow } = g;
  const [kh, kw] = g.kernel;
  const [sh, sw] = g.stride;
  const [ph, pw] = g.padding;
  let o = 0;
  for (let p = 0; p < g.batch * g.channels; p++) {
    const base = p * h * w;
    for (let i = 0; i < oh; i++) {
      const ra = Math.max(i * sh - ph, 0);
      const rb = Math.min(i * sh - ph + kh, h);
      for (let j = 0; j < ow; j++, o++) {
        const ca = Math.max(j * sw - pw, 0);
        const cb = Math.min(j * sw - pw + kw, w);
        const m = ys[yo + o]!;
        const nan = Number.isNaN(m);
        let k = -1;
        window: for (let r = ra; r < rb; r++) {
          for (let c = ca; c < cb; c++) {
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
}

// Each window's chosen element as its tap: the row-major index in the window, padding included.
function tapsOf(at: Int32Array, g: WindowGeometry): Int32Array {
  const { height: h, width: w, outHeight: oh, outWidth: ow } = g;
  const taps = new Int32Array(at.length);
  for (let o = 0; o < at.length; o++) {
    const q = o % (oh * ow);
    const inPlane = at[o]! % (h * w);
    const r = Math.floor(inPlane / w) - (Math.floor(q / ow) * g.stride[0] - g.padding[0]);
    const c = (inPlane % w) - ((q % ow) * g.stride[1] - g.padding[1]);
    taps[o] = r * g.kernel[1] + c;
  }
  return taps;
}
