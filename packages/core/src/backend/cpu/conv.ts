import { allocate, type DType, type TypedArray } from '../../dtype.js';
import type { StridedView, WindowGeometry } from '../backend.js';

// Both directions walk the same (channel, ky, kx, oy, ox) grid; `visit` gets the column offset and
// the input offset, or -1 where the window hangs over the padding.
function walkWindows(x: StridedView, g: WindowGeometry, visit: (col: number, src: number) => void): void {
  const [kh, kw] = g.kernel;
  const [sh, sw] = g.stride;
  const [ph, pw] = g.padding;
  const [dh, dw] = g.dilation;
  const [nS, cS, hS, wS] = x.strides as [number, number, number, number];
  let col = 0;
  for (let n = 0; n < g.batch; n++) {
    for (let c = 0; c < g.channels; c++) {
      const planeBase = x.offset + n * nS + c * cS;
      for (let ky = 0; ky < kh; ky++) {
        for (let kx = 0; kx < kw; kx++) {
          for (let oy = 0; oy < g.outHeight; oy++) {
            const iy = oy * sh - ph + ky * dh;
            const rowInside = iy >= 0 && iy < g.height;
            for (let ox = 0; ox < g.outWidth; ox++, col++) {
              const ix = ox * sw - pw + kx * dw;
              visit(col, rowInside && ix >= 0 && ix < g.width ? planeBase + iy * hS + ix * wS : -1);
            }
          }
        }
      }
    }
  }
}

export function unfold(x: StridedView, g: WindowGeometry, padValue: number, outDtype: DType): TypedArray {
  const out = allocate(outDtype, g.batch * g.channels * g.kernel[0] * g.kernel[1] * g.outHeight * g.outWidth);
  const xd = x.storage;
  walkWindows(x, g, (col, src) => {
    out[col] = src < 0 ? padValue : xd[src]!;
  });
  return out;
}

export function fold(cols: StridedView, g: WindowGeometry, outDtype: DType): TypedArray {
  const { batch, channels, height, width } = g;
  const out = allocate(outDtype, batch * channels * height * width);
  const image = {
    storage: out,
    shape: [batch, channels, height, width],
    strides: [channels * height * width, height * width, width, 1],
    offset: 0,
  };
  // Columns arrive contiguous from the ops layer (it makes them so), so `col` indexes them directly.
  const cd = cols.storage;
  const base = cols.offset;
  walkWindows(image, g, (col, dst) => {
    if (dst >= 0) out[dst]! += cd[base + col]!;
  });
  return out;
}
