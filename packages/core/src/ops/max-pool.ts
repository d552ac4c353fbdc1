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
 * max kernel; the backward gives each window's dy to its first maximum, as PyTorch does, in one
 * pass that finds those taps and one that adds dy there.
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
    attach(out, 'maxPool2d', [x4], [x4], (dy) => {
      const taps = new Int32Array(g.batch * g.channels * l);
      firstMaxima(dense(x4), taps, g);
      // Recording the backward (createGraph) needs it as ops; otherwise one loop does it.
      return [isGradEnabled() ? composedBackward(taps, dy, g, ops) : fusedBackward(x4, taps, dy, g)];
    });
  }
  return out;
}

// dy put at each window's chosen tap of the unfolded windows (a one-hot mask), folded back.
function composedBackward(taps: Int32Array, dy: Tensor, g: WindowGeometry, ops: WindowOps): Tensor {
  const [n, c, k, l] = [g.batch, g.channels, g.kernel[0] * g.kernel[1], g.outHeight * g.outWidth];
  const chosen = new Tensor(taps, [n, c, 1, l]);
  const positions = new Tensor(
    Int32Array.from({ length: k }, (_, t) => t),
    [1, 1, k, 1],
  );
  return ops.fold(reshape(where(chosen.eq(positions), reshape(dy, [n, c, 1, l]), 0), [n, c * k, l]), g);
}

// dx[chosen tap] += dy, window by window: overlapping windows add up; an infinite or NaN dy reaches
// its tap alone, as in PyTorch.
function fusedBackward(x4: Tensor, taps: Int32Array, dy: Tensor, g: WindowGeometry): Tensor {
  const dx = allocate(x4.dtype, x4.size);
  addAtTaps(dense(dy), taps, dx, g);
  return new Tensor(dx, x4.shape);
}

// The tap (row-major index in the window, padding included) of each window's first maximum, found as
// PyTorch's max_pool2d does: in-bounds taps in row-major order, a tap taken when greater than the
// best so far or NaN (so the last NaN when there are several), starting from the first in-bounds tap
// (the one a window of -Infinity gives). The loop nest alone, with nothing after it: V8 compiles
// it on-stack mid-loop, and code after the loop that had not run yet then made it deoptimize at the
// end of every call.
function firstMaxima([xs, xo]: [TypedArray, number], taps: Int32Array, g: WindowGeometry): void {
  const { height: h, width: w, outHeight: oh, outWidth: ow } = g;
  const [kh, kw] = g.kernel;
  const [sh, sw] = g.stride;
  const [ph, pw] = g.padding;
  let o = 0;
  for (let p = 0; p < g.batch * g.channels; p++) {
    const base = xo + p * h * w;
    for (let i = 0; i < oh; i++) {
      const r0 = i * sh - ph;
      const [ra, rb] = [Math.max(r0, 0), Math.min(r0 + kh, h)];
      for (let j = 0; j < ow; j++, o++) {
        const c0 = j * sw - pw;
        const [ca, cb] = [Math.max(c0, 0), Math.min(c0 + kw, w)];
        let best = Number.NEGATIVE_INFINITY;
        let at = (ra - r0) * kw + ca - c0;
        for (let r = ra; r < rb; r++) {
          for (let c = ca; c < cb; c++) {
            const v = xs[base + r * w + c]!;
            if (v > best || Number.isNaN(v)) {
              best = v;
              at = (r - r0) * kw + c - c0;
            }
          }
        }
        taps[o] = at;
      }
    }
  }
}

function addAtTaps(
  [gs, go]: [TypedArray, number],
  taps: Int32Array,
  dx: TypedArray,
  g: WindowGeometry,
): void {
  const { height: h, width: w, outHeight: oh, outWidth: ow } = g;
  const kw = g.kernel[1];
  const [sh, sw] = g.stride;
  const [ph, pw] = g.padding;
  let o = 0;
  for (let p = 0; p < g.batch * g.channels; p++) {
    const base = p * h * w;
    for (let i = 0; i < oh; i++) {
      for (let j = 0; j < ow; j++, o++) {
        const t = taps[o]!;
        const at = base + (i * sh - ph + Math.floor(t / kw)) * w + j * sw - pw + (t % kw);
        dx[at] = dx[at]! + gs[go + o]!;
      }
    }
  }
}
