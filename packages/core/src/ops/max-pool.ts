import { isGradEnabled } from '../autograd/grad-mode.js';
import { attach, recording } from '../autograd/node.js';
import { getBackend, type WindowGeometry } from '../backend/backend.js';
import { allocate, type TypedArray } from '../dtype.js';
import { Tensor } from '../tensor.js';
import { div, mul } from './elementwise.js';
import { reshape } from './movement.js';
import { sum } from './reduce.js';

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
 * max kernel; the backward routes dy to each window's maxima (split evenly between ties, as the
 * max reduction does) in one pass, without the mask, count and share tensors of the composed rule.
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
    attach(out, 'maxPool2d', [x4], [x4, out], (dy) => [
      // Recording the backward (createGraph) needs it as ops; otherwise one loop does it.
      isGradEnabled() ? composedBackward(x4, out, dy, g, ops) : fusedBackward(x4, out, dy, g),
    ]);
  }
  return out;
}

// The max reduction's rule over the unfolded windows, folded back: share = mask / count.
function composedBackward(x4: Tensor, out: Tensor, dy: Tensor, g: WindowGeometry, ops: WindowOps): Tensor {
  const [n, c, k, l] = [g.batch, g.channels, g.kernel[0] * g.kernel[1], g.outHeight * g.outWidth];
  const windows = reshape(ops.unfold(x4, g, Number.NEGATIVE_INFINITY), [n, c, k, l]);
  const mask = windows.eq(reshape(out.detach(), [n, c, 1, l]));
  const share = div(mask, sum(mask, 2, true));
  return ops.fold(reshape(mul(reshape(dy, [n, c, 1, l]), share), [n, c * k, l]), g);
}

// dx[tap] += dy · share with share = 1 / ties at a window's maxima and 0 elsewhere (1 / ties rounded
// to the dtype, as the composed rule's tensors are); a NaN max (no tap equals it) makes every share
// 0 / 0 = NaN, and an infinite dy makes the zero shares NaN, both as there. Padded taps are −∞: they
// count as ties of a −∞ max but get nothing. One flat loop nest: this runs once per training step.
function fusedBackward(x4: Tensor, out: Tensor, dy: Tensor, g: WindowGeometry): Tensor {
  const dx = allocate(x4.dtype, x4.size);
  routeMaxima(dense(x4), dense(out), dense(dy), dx, g, x4.dtype === 'float32');
  return new Tensor(dx, x4.shape);
}

// The loop nest alone, with nothing after it: V8 compiles it on-stack mid-loop, and code after the
// loop that had not run yet then made it deoptimize at the end of every call.
function routeMaxima(
  [xs, xo]: [TypedArray, number],
  [ys, yo]: [TypedArray, number],
  [gs, go]: [TypedArray, number],
  dx: TypedArray,
  g: WindowGeometry,
  f32: boolean,
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
        let ties = m === Number.NEGATIVE_INFINITY ? kh * kw - (rb - ra) * (cb - ca) : 0;
        let at = -1;
        for (let r = ra; r < rb; r++) {
          for (let c = ca; c < cb; c++) {
            if (xs[xo + base + r * w + c] === m) {
              ties++;
              at = base + r * w + c;
            }
          }
        }
        const d = gs[go + o]!;
        // The common case, one maximum and a finite dy: the other taps would only add zeros.
        if (ties === 1 && at >= 0 && Number.isFinite(d)) {
          dx[at] = dx[at]! + d;
          continue;
        }
        const share = ties === 0 ? Number.NaN : f32 ? Math.fround(1 / ties) : 1 / ties;
        const zero = ties === 0 ? Number.NaN : 0;
        for (let r = ra; r < rb; r++) {
          for (let c = ca; c < cb; c++) {
            const k = base + r * w + c;
            dx[k] = dx[k]! + d * (xs[xo + k] === m ? share : zero);
          }
        }
      }
    }
  }
}
