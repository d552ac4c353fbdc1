import { allocate, type DType, type TypedArray } from '../../dtype.js';
import type { StridedView, WindowGeometry } from '../backend.js';
import { denseOf } from './elementwise.js';

// Both directions walk the same (n, channel, ky, kx, oy, ox) grid in that order, one column row of
// outWidth entries at a time. For a kernel offset the output positions whose input lies inside the
// image form one range [lo, hi), found once, so the inner loops carry no bounds checks.

/** Output positions o in [0, count) with 0 <= o * stride + shift < size, as [lo, hi) (lo <= hi). */
function insideRange(shift: number, size: number, count: number, stride: number): [number, number] {
  const lo = Math.max(0, Math.ceil(-shift / stride));
  const hi = Math.min(count, Math.floor((size - 1 - shift) / stride) + 1);
  return [lo, Math.max(lo, hi)];
}

export function unfold(x: StridedView, g: WindowGeometry, padValue: number, outDtype: DType): TypedArray {
  const [kh, kw] = g.kernel;
  const [sh, sw] = g.stride;
  const [oh, ow] = [g.outHeight, g.outWidth];
  const [nS, cS, hS, wS] = x.strides as [number, number, number, number];
  const out = allocate(outDtype, g.batch * g.channels * kh * kw * oh * ow);
  if (padValue !== 0) out.fill(padValue);
  const xd = x.storage;
  const step = sw * wS;
  let col = 0;
  for (let n = 0; n < g.batch; n++) {
    for (let c = 0; c < g.channels; c++) {
      const plane = x.offset + n * nS + c * cS;
      for (let ky = 0; ky < kh; ky++) {
        const yShift = ky * g.dilation[0] - g.padding[0];
        const [yLo, yHi] = insideRange(yShift, g.height, oh, sh);
        for (let kx = 0; kx < kw; kx++, col += oh * ow) {
          const xShift = kx * g.dilation[1] - g.padding[1];
          const [xLo, xHi] = insideRange(xShift, g.width, ow, sw);
          for (let oy = yLo; oy < yHi; oy++) {
            let p = plane + (oy * sh + yShift) * hS + (xLo * sw + xShift) * wS;
            const end = col + oy * ow + xHi;
            for (let o = col + oy * ow + xLo; o < end; o++, p += step) out[o] = xd[p]!;
          }
        }
      }
    }
  }
  return out;
}

export function fold(cols: StridedView, g: WindowGeometry, outDtype: DType): TypedArray {
  const [kh, kw] = g.kernel;
  const [sh, sw] = g.stride;
  const [oh, ow] = [g.outHeight, g.outWidth];
  const { height, width } = g;
  const out = allocate(outDtype, g.batch * g.channels * height * width);
  // Columns are read in order: through a dense copy when they come as a strided view.
  const [cd, start] = denseOf(cols);
  let col = start;
  for (let plane = 0; plane < g.batch * g.channels * height * width; plane += height * width) {
    for (let ky = 0; ky < kh; ky++) {
      const yShift = ky * g.dilation[0] - g.padding[0];
      const [yLo, yHi] = insideRange(yShift, height, oh, sh);
      for (let kx = 0; kx < kw; kx++, col += oh * ow) {
        const xShift = kx * g.dilation[1] - g.padding[1];
        const [xLo, xHi] = insideRange(xShift, width, ow, sw);
        for (let oy = yLo; oy < yHi; oy++) {
          let q = plane + (oy * sh + yShift) * width + xLo * sw + xShift;
          const end = col + oy * ow + xHi;
          for (let o = col + oy * ow + xLo; o < end; o++, q += sw) out[q]! += cd[o]!;
        }
      }
    }
  }
  return out;
}
